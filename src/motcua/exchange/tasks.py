"""Background work of the exchange: pulls run inside the applicant's request (bounded by
``MOTCUA_EXCHANGE_TIMEOUT_MS``, retried by the applicant); signed writes to the registries are
sent by a task after the deciding transaction commits, and swept every minute (ADR 0043)."""

from __future__ import annotations

from motcua.core.tasks import periodic_task, task


@task()
def send_registry_write_task(public_id: str) -> str:
    from motcua.exchange.writes import send_write

    return str(send_write(public_id).status)


@periodic_task(minute="*")
def send_due_registry_writes_task() -> int:
    """Send the writes due (first sends whose task was lost, and retries after a pause)."""
    from motcua.exchange.writes import send_due_writes

    return send_due_writes()


@periodic_task(minute="*")
def consume_registry_feeds_task() -> int:
    """Read every registry's change feed from its cursor (ADR 0063): how many changes arrived."""
    from motcua.exchange.feeds import consume_all

    return sum(report.received for report in consume_all())
