"""Periodic work of the payments app: payments whose notification has not come are resolved by
querying the gateway; the ledger is reconciled with the gateway's statement once a day."""

from __future__ import annotations

from motcua.core.tasks import periodic_task


@periodic_task(minute="*/2")
def query_unresolved_task() -> dict[str, int]:
    from motcua.payments.services import query_unresolved

    return query_unresolved()
