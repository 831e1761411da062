"""Periodic work of the payments app: payments whose notification has not come are resolved by
querying the gateway; the ledger is reconciled with the gateway's statement once a day."""

from __future__ import annotations

from motcua.core.tasks import periodic_task, task


@periodic_task(minute="*/2")
def query_unresolved_task() -> dict[str, int]:
    from motcua.payments.services import query_unresolved

    return query_unresolved()


@periodic_task(minute="30", hour="19")
def reconcile_yesterday_task() -> int:
    """Daily at 19:30 UTC (huey's clock), 02:30 in Vietnam: yesterday's ledger (Vietnam days)
    against the gateway's signed statement. Returns the day's open mismatches; an unanswering
    gateway fails the task, and tomorrow's run does not cover today: run it again by hand
    (``finance.reconcile``) or from the finance page."""
    from motcua.core.actors import SYSTEM
    from motcua.payments.finance import reconcile, yesterday

    return len(reconcile(actor=SYSTEM, day=yesterday()))


@task(retries=3, retry_delay=300)
def reconcile_day_task(day: str) -> int:
    """One day asked for again by a finance officer (``POST /api/v1/finance/reconciliations``)."""
    import datetime

    from motcua.core.actors import SYSTEM
    from motcua.payments.finance import reconcile

    return len(reconcile(actor=SYSTEM, day=datetime.date.fromisoformat(day)))
