"""The event-log dispatcher: hands committed events to their handlers, at least once.

Services write events with ``record_change`` in the same transaction as the change, so an
event exists if and only if its change committed. The dispatcher runs in the worker's outbox
loop (``core.outbox_worker``), woken by PostgreSQL ``NOTIFY`` sent in the event's own
transaction (``wake_outbox_on_commit``) or polling on SQLite, and every minute as a periodic
task, the guarantee if a wake-up is lost (ADR 0031). For each pending event it runs every handler
registered for the event type that has not yet delivered it, each in a savepoint together
with its ``EventDelivery`` row. A crash at any point leaves either both or neither, so a
handler runs again only if its own transaction did not commit; handlers that reach outside
the database (email, HTTP) must still be idempotent, keyed on the event id.

Handlers must be quick: anything slow (network calls) enqueues a task keyed on the event.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils import timezone

from motcua.core.models import Event, EventDelivery

logger = logging.getLogger(__name__)

Handler = Callable[[Event], None]

_HANDLERS: dict[str, list[tuple[str, Handler]]] = {}


def event_handler(*types: str, name: str | None = None) -> Callable[[Handler], Handler]:
    """Register a handler for one or more event types. The name must be stable across releases."""

    def decorator(func: Handler) -> Handler:
        handler_name = name or f"{func.__module__}.{func.__qualname__}"
        for event_type in types:
            registered = _HANDLERS.setdefault(str(event_type), [])
            if any(existing == handler_name for existing, _ in registered):
                raise ValueError(f"Handler {handler_name} is already registered for {event_type}.")
            registered.append((handler_name, func))
        return func

    return decorator


def unregister_handler(name: str) -> None:
    """Remove a handler from every event type (used when a test registers its own)."""
    for event_type, registered in list(_HANDLERS.items()):
        _HANDLERS[event_type] = [(n, f) for n, f in registered if n != name]


def handlers_for(event_type: str) -> list[tuple[str, Handler]]:
    return list(_HANDLERS.get(event_type, []))


@dataclass
class DispatchReport:
    dispatched: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    deliveries: int = 0


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(2**attempts, 3600))


def dispatch_pending_events(*, batch_size: int | None = None) -> DispatchReport:
    """Deliver up to ``batch_size`` committed, undispatched events. Safe to run concurrently."""
    batch_size = batch_size or settings.MOTCUA_OUTBOX_BATCH_SIZE
    now = timezone.now()
    pending_ids = list(
        Event.objects.filter(dispatched_at__isnull=True, attempts__lt=settings.MOTCUA_OUTBOX_MAX_ATTEMPTS)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
        .values_list("id", flat=True)[:batch_size]
    )
    report = DispatchReport()
    for event_id in pending_ids:
        _dispatch_one(event_id, report)
    return report


def _dispatch_one(event_id: int, report: DispatchReport) -> None:
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, dispatched_at__isnull=True)
            .first()
        )
        if event is None:  # another worker holds it, or it was dispatched meanwhile
            return
        delivered = set(EventDelivery.objects.filter(event=event).values_list("handler", flat=True))
        errors: list[str] = []
        for handler_name, handler in handlers_for(event.type):
            if handler_name in delivered:
                continue
            try:
                with transaction.atomic():
                    handler(event)
                    EventDelivery.objects.create(event=event, handler=handler_name)
                report.deliveries += 1
            except Exception as exc:
                logger.exception("Event handler %s failed for event %s", handler_name, event.pk)
                errors.append(f"{handler_name}: {type(exc).__name__}: {exc}")
        if errors:
            event.attempts += 1
            event.next_attempt_at = timezone.now() + _backoff(event.attempts)
            event.last_error = "\n".join(errors)[:4000]
            event.save(update_fields=["attempts", "next_attempt_at", "last_error"])
            report.failed.append(event.pk)
        else:
            event.dispatched_at = timezone.now()
            event.last_error = ""
            event.save(update_fields=["dispatched_at", "last_error"])
            report.dispatched.append(event.pk)


OUTBOX_CHANNEL = "motcua_outbox"


def _outbox_woken() -> None:
    """Marks, among the transaction's on-commit callbacks, that it already sent its ``NOTIFY``."""


def wake_outbox_on_commit() -> None:
    """Wake the outbox loops when the current transaction commits: one PostgreSQL ``NOTIFY``
    in the transaction itself (delivered by the server at commit, dropped on rollback), sent
    once per transaction however many events it writes. No queued task per commit (ADR 0031).

    On SQLite the loops poll instead, and this does nothing. A lost wake-up costs latency only:
    the periodic dispatcher still delivers the event."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or not outbox_wake_due(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute(f"NOTIFY {OUTBOX_CHANNEL}")
    mark_outbox_woken()


def outbox_wake_due(connection: BaseDatabaseWrapper) -> bool:
    """Whether the current transaction has not sent its ``NOTIFY`` yet. A savepoint rolled back
    takes both its ``NOTIFY`` and its on-commit callbacks with it."""
    return not any(callback[1] is _outbox_woken for callback in connection.run_on_commit)


def mark_outbox_woken() -> None:
    """The current transaction sent its ``NOTIFY`` (``record_change`` sends it with its insert)."""
    transaction.on_commit(_outbox_woken)
