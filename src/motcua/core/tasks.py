"""A thin task layer over huey, shaped like Django 6's tasks API.

Domain code declares ``@task`` functions and calls ``.enqueue(...)`` (or
``enqueue_on_commit``); only this module imports huey, so moving to ``django.tasks``
later touches one file. Task arguments must be ids and plain values: a task reloads what
it needs and tolerates running twice.

Every task runs between two connection check-ups, as a Django request does (``request_started``
and ``request_finished`` call ``close_old_connections``): a database connection that broke (the
server restarted, failed over, or ended the backend), outlived ``CONN_MAX_AGE`` or was left in a
transaction is closed, so the task opens a healthy one. Without this a worker thread keeps its
first connection for ever, and once the database drops it every later task fails on it while the
process stays up (ADR 0025).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar

from django.db import connections, transaction
from huey import crontab
from huey.contrib.djhuey import HUEY

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class TaskResult:
    id: str


class Task(Generic[P, R]):
    def __init__(self, func: Callable[P, R], huey_task: Any) -> None:
        self.func = func
        self.name = f"{func.__module__}.{func.__qualname__}"
        self._huey_task = huey_task

    def enqueue(self, *args: P.args, **kwargs: P.kwargs) -> TaskResult:
        result = self._huey_task(*args, **kwargs)
        return TaskResult(id=str(getattr(result, "id", "")))

    def call(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run the task body now, in this process (tests, management commands)."""
        return self.func(*args, **kwargs)


def refresh_connections() -> None:
    """Close this thread's database connections that are unusable or obsolete (Django's
    ``close_old_connections``), except one inside an atomic block: a task run by a test inside
    the test's transaction, or by code that is itself in a transaction, must not lose it."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def with_fresh_connections(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` between two ``refresh_connections``, as Django serves a request."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        refresh_connections()
        try:
            return func(*args, **kwargs)
        finally:
            refresh_connections()

    return run


def task(*, retries: int = 0, retry_delay: int = 0) -> Callable[[Callable[P, R]], Task[P, R]]:
    def decorator(func: Callable[P, R]) -> Task[P, R]:
        huey_task = HUEY.task(retries=retries, retry_delay=retry_delay, name=func.__name__)(
            with_fresh_connections(func)
        )
        return Task(func, huey_task)

    return decorator


def periodic_task(*, minute: str = "*", hour: str = "*") -> Callable[[Callable[[], R]], Task[[], R]]:
    def decorator(func: Callable[[], R]) -> Task[[], R]:
        huey_task = HUEY.periodic_task(crontab(minute=minute, hour=hour), name=func.__name__)(
            with_fresh_connections(func)
        )
        return Task(func, huey_task)

    return decorator


def on_worker_start(func: Callable[[], None]) -> Callable[[], None]:
    """Run ``func`` in each worker thread as the consumer starts (between connection check-ups)."""
    HUEY.on_startup(name=f"{func.__module__}.{func.__qualname__}")(with_fresh_connections(func))
    return func


def enqueue_on_commit(task_: Task[P, R], *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue after the current transaction commits; nothing is sent if it rolls back."""
    transaction.on_commit(lambda: task_.enqueue(*args, **kwargs), robust=True)


def pending_task_count() -> int:
    return int(HUEY.pending_count())


def run_pending_tasks() -> int:
    """Execute every queued task in this process; returns how many ran (tests, `motcua tasks drain`)."""
    ran = 0
    while True:
        message = HUEY.dequeue()
        if message is None:
            return ran
        HUEY.execute(message)
        ran += 1


# --- core's own tasks ------------------------------------------------------------------------


@on_worker_start
def start_outbox_loop() -> None:
    """Each worker process runs one outbox loop beside its task threads (ADR 0031)."""
    from motcua.core.outbox_worker import start_in_background

    start_in_background()


@task()
def dispatch_events_task() -> int:
    """One dispatch pass, on demand (no longer enqueued on every commit: the outbox loop is woken
    instead)."""
    from motcua.core.outbox import dispatch_pending_events

    return len(dispatch_pending_events().dispatched)


@periodic_task(minute="*")
def dispatch_events_periodically() -> int:
    from motcua.core.outbox import dispatch_pending_events

    return len(dispatch_pending_events().dispatched)


@periodic_task(minute="*")
def seal_audit_log_periodically() -> int:
    """Chain the audit entries committed since the last run (``core.audit.seal_pending``)."""
    from motcua.core.audit import seal_pending

    return seal_pending()


@periodic_task(minute="17")
def purge_rate_counters() -> int:
    from motcua.core.ratelimit import purge_expired

    return purge_expired()
