"""Signed writes to the registries, through the outbox (ADR 0043): the write half of the
exchange's services.

``queue_write`` runs inside the transaction that decided the write (an approval, a payment): it
stores a ``RegistryWrite`` and its event, so the write exists if and only if the decision
committed. The event's handler (``handlers``) enqueues ``send_write`` after commit, and a
periodic task (``tasks``) sends whatever is due, so a lost task costs a minute, never the write.
``send_write`` signs and posts with the exchange client (its retries and circuit breaker), then
records the registry's answer: written (``done``, with the data the registry returned), refused
(``refused``, with the code and message: an official decides), or not delivered (another try
later with growing pauses; after ``MOTCUA_EXCHANGE_WRITE_ATTEMPTS`` sends, ``failed``). The
request id is the row's ``public_id``, so every send, and an official's retry, is the same write
to the registry, applied at most once. An official retries (``retry_write``) or closes it with a
note (``resolve_write``); nothing is deleted.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.actors import SYSTEM, Actor
from motcua.core.errors import Conflict, MotcuaError
from motcua.core.services import record_change
from motcua.exchange.client import PullStatus, default_client
from motcua.exchange.events import ExchangeEvent, ExchangeSubject
from motcua.exchange.keys import NoSigningKey, signing_key
from motcua.exchange.models import NEEDS_ATTENTION, RegistryWrite, WriteStatus
from motcua.protocol import WriteRequest, body_digest

PURPOSE_MAX = 300


def _record(actor: Actor, write: RegistryWrite, event: ExchangeEvent, old: str, **payload: Any) -> None:
    record_change(
        actor=actor,
        type=event,
        subject_type=ExchangeSubject.REGISTRY_WRITE,
        subject_id=str(write.public_id),
        agency_code=write.agency_code,
        changes={"status": [old, write.status]}
        if old != write.status
        else {"attempts": [None, write.attempts]},
        payload={
            "registry": write.registry,
            "operation": write.operation,
            "dossier": write.dossier_ref,
            **payload,
        },
    )


@transaction.atomic
def queue_write(
    *,
    actor: Actor,
    registry: str,
    operation: str,
    subject: str,
    body: Mapping[str, Any],
    agency_code: str,
    procedure_code: str,
    dossier_ref: str,
    legal_basis_code: str,
    purpose: str,
    request_id: str = "",
) -> RegistryWrite:
    """Queue one write, in the caller's transaction; it is sent after commit.

    Queuing again with the same ``request_id`` and the same write returns the queued one
    (idempotent); with another write, ``Conflict``."""
    if request_id:
        existing = RegistryWrite.objects.filter(public_id=request_id).first()
        if existing is not None:
            if (existing.registry, existing.operation, existing.subject, body_digest(existing.body)) != (
                registry,
                operation,
                subject,
                body_digest(body),
            ):
                raise Conflict(_("This request id was already used for another registry write."))
            return existing
    write = RegistryWrite(
        registry=registry,
        operation=operation,
        subject=subject,
        body=dict(body),
        agency_code=agency_code,
        procedure_code=procedure_code,
        dossier_ref=dossier_ref,
        legal_basis_code=legal_basis_code,
        purpose=purpose[:PURPOSE_MAX],
    )
    if request_id:
        write.public_id = uuid.UUID(request_id)
    write.save()
    _record(actor, write, ExchangeEvent.REGISTRY_WRITE_QUEUED, "")
    return write


def _pause(attempts: int) -> datetime.timedelta:
    base = settings.MOTCUA_EXCHANGE_WRITE_BACKOFF_SECONDS
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def send_write(public_id: str) -> RegistryWrite:
    """Send one queued write now and record the answer (nothing happens to a write that is not
    queued: done, refused, failed or resolved). Never inside a transaction: the network call
    holds no lock."""
    write = RegistryWrite.objects.get(public_id=public_id)
    if write.status != WriteStatus.QUEUED:
        return write
    request = WriteRequest(
        agency=write.agency_code,
        registry=write.registry,
        procedure=write.procedure_code,
        dossier=write.dossier_ref,
        purpose=write.purpose,
        legal_basis=write.legal_basis_code,
        subject=write.subject,
        operation=write.operation,
        body=write.body,
        request_id=str(write.public_id),
    )
    try:
        outcome = default_client().write(request, signing_key(write.agency_code))
        status, code, message = outcome.status, outcome.error_code, outcome.error_message
    except NoSigningKey:
        outcome = None
        status, code, message = PullStatus.UNAVAILABLE, "no_signing_key", "The agency has no active key."
    with transaction.atomic():
        write = RegistryWrite.objects.select_for_update().get(pk=write.pk)
        if write.status != WriteStatus.QUEUED:  # an official, or another sender, got there first
            return write
        old = write.status
        now = timezone.now()
        write.attempts += 1
        write.updated_at = now
        write.error_code, write.error_message = code[:40], message[:500]
        if outcome is not None and outcome.log_entry:
            write.registry_log_entry = outcome.log_entry[:64]
        if status == PullStatus.OK:
            write.status, write.result = WriteStatus.DONE, outcome.data if outcome else None
            write.error_code = write.error_message = ""
            event = ExchangeEvent.REGISTRY_WRITE_DONE
        elif status == PullStatus.NOT_FOUND:
            write.status, write.error_code = WriteStatus.REFUSED, "not_found"
            write.error_message = "The registry holds no such record for this subject."
            event = ExchangeEvent.REGISTRY_WRITE_REFUSED
        elif status in {PullStatus.REFUSED, PullStatus.INVALID_RESPONSE}:
            write.status = WriteStatus.REFUSED
            write.error_code = write.error_code or str(status)
            event = ExchangeEvent.REGISTRY_WRITE_REFUSED
        elif write.attempts >= settings.MOTCUA_EXCHANGE_WRITE_ATTEMPTS:
            write.status, write.error_code = WriteStatus.FAILED, write.error_code or str(status)
            event = ExchangeEvent.REGISTRY_WRITE_FAILED
        else:
            write.error_code = write.error_code or str(status)
            write.next_attempt_at = now + _pause(write.attempts)
            event = ExchangeEvent.REGISTRY_WRITE_ATTEMPT_FAILED
        write.save()
        _record(SYSTEM, write, event, old, error_code=write.error_code)
    return write


def send_due_writes(*, limit: int = 100) -> int:
    """Send the queued writes whose time has come (the periodic sweep); how many were sent."""
    due = list(
        RegistryWrite.objects.filter(status=WriteStatus.QUEUED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("public_id", flat=True)[:limit]
    )
    for public_id in due:
        send_write(str(public_id))
    return len(due)


def _attention(write: RegistryWrite) -> RegistryWrite:
    locked = RegistryWrite.objects.select_for_update().get(pk=write.pk)
    if locked.status not in NEEDS_ATTENTION:
        raise MotcuaError(
            _("This registry write needs no action: it is %(status)s.") % {"status": locked.status}
        )
    return locked


@transaction.atomic
def retry_write(*, actor: Actor, write: RegistryWrite) -> RegistryWrite:
    """An official sends a refused or undelivered write again (same request id and body)."""
    write = _attention(write)
    old = write.status
    write.status, write.attempts = WriteStatus.QUEUED, 0
    write.next_attempt_at = write.updated_at = timezone.now()
    write.save()
    _record(actor, write, ExchangeEvent.REGISTRY_WRITE_RETRIED, old)
    return write


@transaction.atomic
def resolve_write(*, actor: Actor, write: RegistryWrite, note: str) -> RegistryWrite:
    """An official closes a refused or undelivered write, saying how it was settled."""
    note = note.strip()
    if not note:
        raise MotcuaError(_("Say how the write was settled."))
    write = _attention(write)
    old = write.status
    write.status, write.resolution_note = WriteStatus.RESOLVED, note[:500]
    write.updated_at = timezone.now()
    write.save()
    _record(actor, write, ExchangeEvent.REGISTRY_WRITE_RESOLVED, old)
    return write


# --- writes an approval waits for (ADR 0061) ----------------------------------------------------


@dataclass(frozen=True)
class SentWrite:
    """A write sent at once, before the deciding transaction, and the registry's answer."""

    request: WriteRequest
    status: str  # a PullStatus
    data: Any = None
    error_code: str = ""
    error_message: str = ""
    log_entry: str = ""


def agency_can_write(agency_code: str) -> bool:
    """Whether the agency is connected to the exchange (has an active signing key): an agency
    that is not writes nothing and its officials enter what a registry would have answered."""
    try:
        signing_key(agency_code)
    except NoSigningKey:
        return False
    return True


def send_now(request: WriteRequest) -> SentWrite:
    """Send one write now and return the answer; nothing is stored (the caller records it in its
    own transaction with ``record_sent``). Never inside a transaction: it waits on the network.
    The request id must be derived from the decision, so that the same decision sent again after
    a rollback gets the registry's kept answer, never a second record."""
    try:
        outcome = default_client().write(request, signing_key(request.agency))
    except NoSigningKey:
        return SentWrite(
            request, PullStatus.UNAVAILABLE, None, "no_signing_key", "The agency has no active key."
        )
    return SentWrite(
        request, outcome.status, outcome.data, outcome.error_code, outcome.error_message, outcome.log_entry
    )


def record_sent(*, actor: Actor, sent: SentWrite) -> RegistryWrite:
    """Keep a write the registry answered ``ok`` (``send_now``) as done, with its audit entry, in
    the caller's (deciding) transaction; the same request id again returns the kept row."""
    request = sent.request
    existing = RegistryWrite.objects.filter(public_id=request.request_id).first()
    if existing is not None:
        return existing
    now = timezone.now()
    write = RegistryWrite.objects.create(
        public_id=uuid.UUID(request.request_id),
        registry=request.registry,
        operation=request.operation,
        subject=request.subject,
        body=dict(request.body),
        agency_code=request.agency,
        procedure_code=request.procedure,
        dossier_ref=request.dossier,
        legal_basis_code=request.legal_basis,
        purpose=request.purpose[:PURPOSE_MAX],
        status=WriteStatus.DONE,
        attempts=1,
        result=sent.data,
        registry_log_entry=sent.log_entry[:64],
        next_attempt_at=now,
        updated_at=now,
    )
    _record(actor, write, ExchangeEvent.REGISTRY_WRITE_DONE, "", sent_before_decision=True)
    return write
