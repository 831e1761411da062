"""Periodic work of the identity app: expired integrator tokens and used client-assertion ids
are deleted hourly (each token's issue stays in the audit log)."""

from __future__ import annotations

from motcua.core.tasks import periodic_task


@periodic_task(minute="23")
def purge_integrator_tokens_task() -> int:
    from motcua.identity.integrators import purge_expired

    return purge_expired()
