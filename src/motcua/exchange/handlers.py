"""The exchange's reaction to its own events, run by the event-log dispatcher: a write queued
(or retried by an official) is sent by a task after the transaction commits (ADR 0043). The
send is idempotent (``writes.send_write`` does nothing to a write that is no longer queued, and
the registry applies a request id once), so a second delivery costs nothing."""

from __future__ import annotations

from motcua.core.models import Event
from motcua.core.outbox import event_handler
from motcua.core.tasks import enqueue_on_commit
from motcua.exchange.events import ExchangeEvent


@event_handler(
    ExchangeEvent.REGISTRY_WRITE_QUEUED, ExchangeEvent.REGISTRY_WRITE_RETRIED, name="exchange.send_write"
)
def send_write(event: Event) -> None:
    from motcua.exchange.tasks import send_registry_write_task

    enqueue_on_commit(send_registry_write_task, event.subject_id)
