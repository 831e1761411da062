"""Periodic work of the metrics app: the five-day follow-up report (Plan 02 steering)."""

from __future__ import annotations

from motcua.core.tasks import periodic_task


@periodic_task(minute="5", hour="6")
def issue_followup_report_task() -> bool:
    """Daily at 06:05; issues a report when the last one is five days old."""
    from django.utils import timezone

    from motcua.core.actors import SYSTEM
    from motcua.metrics import periods, steering

    today = timezone.localdate()
    return (
        steering.issue_followup_report(actor=SYSTEM, today=today, period=periods.current("month", today))
        is not None
    )
