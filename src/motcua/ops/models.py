"""The only state operations keep: each task worker's last sign of life.

A heartbeat is bookkeeping, not a change anyone made: it is written every minute by the worker's
periodic task without an audit entry or an event (as the rate counters are), and read by the
health check (``ops.health``) to tell an operator that no worker is running tasks.
"""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One worker process (``host:pid``): when it started and when it last ran its heartbeat task."""

    worker = models.CharField(max_length=200, primary_key=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
