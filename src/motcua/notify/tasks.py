"""Sending deliveries: one task per new delivery, enqueued when it is made, and a periodic sweep
of every due one (the retries after a backoff, and anything whose task was lost)."""

from __future__ import annotations

from motcua.core.tasks import periodic_task, task
from motcua.notify.services import deliveries


@task()
def send_delivery_task(delivery_id: int) -> str:
    return deliveries.send_delivery(delivery_id)


@periodic_task(minute="*")
def send_due_deliveries_periodically() -> dict[str, int]:
    return deliveries.send_due_deliveries()
