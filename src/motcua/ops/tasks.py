from __future__ import annotations

from motcua.core.tasks import periodic_task


@periodic_task(minute="*")
def record_worker_heartbeat() -> str:
    from motcua.ops.heartbeat import beat

    return beat().worker
