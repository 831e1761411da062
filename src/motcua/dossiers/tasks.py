"""Periodic work of the dossiers app: abandoned drafts are deleted, with the data fetched for them."""

from __future__ import annotations

from motcua.core.tasks import periodic_task


@periodic_task(minute="17")
def purge_expired_drafts_task() -> int:
    from motcua.dossiers.services import purge_expired_drafts

    return purge_expired_drafts()
