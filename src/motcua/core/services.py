"""Writes owned by ``core``: the audit/event recorder used by every service, and calendar policy."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from motcua.core import refdata
from motcua.core.actors import Actor
from motcua.core.audit import prepare_entry, write_entry
from motcua.core.errors import ErrorCode, MotcuaError
from motcua.core.inserts import insert_sql, mark_saved
from motcua.core.logging import current_request_id
from motcua.core.models import AuditEntry, CalendarException, CalendarExceptionKind, Event
from motcua.core.outbox import OUTBOX_CHANNEL, mark_outbox_woken, outbox_wake_due, wake_outbox_on_commit
from motcua.core.types import CoreEvent, CoreSubject, EventKind, SubjectKind
from motcua.core.vocabulary import EVENT_TYPES, SUBJECT_TYPES


def record_change(
    *,
    actor: Actor,
    type: EventKind,
    subject_type: SubjectKind,
    subject_id: str | int,
    agency_code: str = "",
    unit_code: str = "",
    changes: Mapping[str, Any] | None = None,
    payload: Mapping[str, Any] | None = None,
    request_id: str = "",
) -> Event:
    """Write the audit entry and the outbox event for one change, in the caller's transaction.

    Must be called inside ``transaction.atomic``: a change whose audit or event could be
    committed separately would break both the evidence trail and at-least-once delivery.
    ``changes`` holds ``{field: [old, new]}`` and must carry ids, not personal data.
    """
    if not transaction.get_connection().in_atomic_block:
        raise MotcuaError(
            "record_change must run inside the service's transaction.", code=ErrorCode.NOT_IN_TRANSACTION
        )
    EVENT_TYPES.require(type)
    SUBJECT_TYPES.require(subject_type)
    entry = AuditEntry(
        type=type,
        actor_kind=actor.actor_kind,
        actor_id=actor.actor_id,
        actor_agency_code=actor.actor_agency_code,
        agency_code=agency_code,
        subject_type=subject_type,
        subject_id=str(subject_id),
        changes=dict(changes or {}),
        request_id=request_id or current_request_id(),
    )
    event = Event(
        type=type,
        subject_type=subject_type,
        subject_id=str(subject_id),
        agency_code=agency_code,
        unit_code=unit_code,
        actor_kind=actor.actor_kind,
        actor_id=actor.actor_id,
        payload=dict(payload or {}),
    )
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        _insert_together(connection, entry, event)
    else:
        write_entry(entry)
        event.save(force_insert=True)
        wake_outbox_on_commit()
    return event


def _insert_together(connection: BaseDatabaseWrapper, entry: AuditEntry, event: Event) -> None:
    """The audit entry, the event and the outbox's wake-up in one PostgreSQL statement.

    A data-modifying ``WITH`` runs to completion whether or not the statement reads it; the
    ``NOTIFY`` (``pg_notify``) is added to the first event of a transaction only, as
    ``wake_outbox_on_commit`` sends it, and is delivered at commit, dropped on rollback."""
    prepare_entry(entry)
    entry_sql, entry_params = insert_sql(connection, entry, returning=False)
    event_sql, event_params = insert_sql(connection, event, returning=True)
    wake = outbox_wake_due(connection)
    if wake:
        event_sql += f", pg_notify('{OUTBOX_CHANNEL}', '')"
    with connection.cursor() as cursor:
        cursor.execute(f'WITH "audit" AS ({entry_sql}) {event_sql}', entry_params + event_params)
        row = cursor.fetchone()
    assert row is not None
    mark_saved(connection, event, row)
    if wake:
        mark_outbox_woken()


@transaction.atomic
def set_calendar_exception(
    *, actor: Actor, date: datetime.date, kind: CalendarExceptionKind, reason: str
) -> CalendarException:
    """Declare an extra day off or a make-up working day (policy beyond the official calendar)."""
    reason = reason.strip()
    if not reason:
        raise MotcuaError("A reason is required for a calendar exception.")
    existing = CalendarException.objects.filter(date=date).first()
    old = [existing.kind, existing.reason] if existing else None
    exception, _ = CalendarException.objects.update_or_create(
        date=date, defaults={"kind": kind, "reason": reason}
    )
    refdata.bump()  # the working-day calendar each process keeps
    record_change(
        actor=actor,
        type=CoreEvent.CALENDAR_EXCEPTION_SET,
        subject_type=CoreSubject.CALENDAR_EXCEPTION,
        subject_id=date.isoformat(),
        changes={"kind_reason": [old, [kind.value, reason]]},
    )
    return exception


@transaction.atomic
def remove_calendar_exception(*, actor: Actor, date: datetime.date) -> None:
    existing = CalendarException.objects.filter(date=date).first()
    if existing is None:
        raise MotcuaError(f"No calendar exception on {date.isoformat()}.", code=ErrorCode.NOT_FOUND)
    old = [existing.kind, existing.reason]
    existing.delete()
    refdata.bump()
    record_change(
        actor=actor,
        type=CoreEvent.CALENDAR_EXCEPTION_REMOVED,
        subject_type=CoreSubject.CALENDAR_EXCEPTION,
        subject_id=date.isoformat(),
        changes={"kind_reason": [old, None]},
    )
