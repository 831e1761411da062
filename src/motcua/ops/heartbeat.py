"""The task worker's heartbeat: a row per worker process, refreshed by a periodic task.

The heartbeat is written by a task (``ops.tasks.record_worker_heartbeat``, every minute), not by
the consumer's own loop, so it proves what matters: the scheduler enqueues, a worker thread runs
the task, and that thread reaches the database. A worker whose threads are stuck on a dead
connection stops beating, and ``motcua health`` says so.
"""

from __future__ import annotations

import datetime
import os
import socket

from django.utils import timezone

from motcua.ops.models import WorkerHeartbeat

# rows of workers that stopped beating this long ago are removed (restarts make new rows)
FORGET_AFTER = datetime.timedelta(days=7)
_PROCESS_STARTED_AT = timezone.now()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(*, now: datetime.datetime | None = None) -> WorkerHeartbeat:
    """Record that this process is running tasks now; forget long-silent workers."""
    moment = now or timezone.now()
    row, _created = WorkerHeartbeat.objects.update_or_create(
        worker=worker_name(),
        defaults={"beat_at": moment},
        create_defaults={"beat_at": moment, "started_at": _PROCESS_STARTED_AT},
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=moment - FORGET_AFTER).delete()
    return row


def latest() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-beat_at").first()
