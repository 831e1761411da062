"""Periodic work of the dossiers app: abandoned drafts are deleted, with the data fetched for
them; every quarter hour the deadlines of open dossiers are checked (due soon, overdue)."""

from __future__ import annotations

from motcua.core.tasks import periodic_task


@periodic_task(minute="17")
def purge_expired_drafts_task() -> int:
    from motcua.dossiers.services.drafts import purge_expired_drafts

    return purge_expired_drafts()


@periodic_task(minute="*/15")
def flag_deadlines_task() -> int:
    """The deadline check: due-soon and overdue flags, with an event for each change."""
    from motcua.dossiers.services.deadlines import flag_deadlines

    return flag_deadlines()
