from __future__ import annotations

from motcua.core.tasks import on_worker_start, periodic_task


@periodic_task(minute="*")
def record_worker_heartbeat() -> str:
    from motcua.ops.heartbeat import beat

    return beat().worker


@on_worker_start
def beat_when_starting() -> None:
    """A worker reports as soon as it starts, not only at the next minute."""
    from motcua.ops.heartbeat import beat

    beat()
