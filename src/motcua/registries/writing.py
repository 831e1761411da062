"""Signed writes to the registries (ADR 0043): the checks and the one-time application behind
``services.answer_write``.

In order, each step refusing with a typed error: the message is a write (``typ:
motcua-exchange-write+jws``) for this registry (``wrong_audience``) within the time window
(``outside_time_window``); the registry knows the operation (``unknown_operation``); the policy's
``writes`` let this agency type do it under this legal basis for this procedure
(``unknown_legal_basis``, ``not_covered_by_legal_basis``); the subject is of a kind the
operation takes (``invalid_subject``); the nonce was never accepted (``replay``). Then the write
is applied once per agency and request id: the first time, the writer runs and its answer is
kept (``WriteRecord``) in the same transaction; again with the same body, the kept answer is
given and nothing is written; with another body, ``idempotency_conflict``. The writer itself
may refuse (``invalid_write``, ``write_rejected``), and then nothing is kept, so a later retry
is decided afresh. No consent token: an agency writes under its legal duty, and the access log
records the write in the subject's chain like any read.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from motcua.protocol import (
    ExchangeErrorCode,
    ProtocolError,
    WriteRequest,
    body_digest,
    check_time,
)
from motcua.registries import conf
from motcua.registries.data.records import REGISTRIES, subject_kind
from motcua.registries.data.writers import WRITERS, Writer
from motcua.registries.models import LogEntry, Outcome, WriteRecord
from motcua.registries.policy import policy
from motcua.registries.selectors import KnownKey


def serve_write(registry: str, entry: LogEntry, claims: dict[str, Any], known: KnownKey) -> tuple[str, Any]:
    """Check one verified write and apply it (once); the answer's status and data."""
    if registry not in REGISTRIES:
        raise ProtocolError(ExchangeErrorCode.UNKNOWN_REGISTRY, f"There is no registry {registry!r}.")
    request = WriteRequest.from_claims(claims)
    entry.request_id = request.request_id
    entry.legal_basis = request.legal_basis
    entry.purpose = request.purpose
    entry.subject_id = request.subject
    entry.procedure_code = request.procedure
    entry.dossier_ref = request.dossier
    digest = body_digest(request.body)
    entry.detail = {"operation": request.operation, "body_digest": digest}
    if request.requester:
        entry.detail["requester"] = request.requester
    if request.registry != registry:
        raise ProtocolError(ExchangeErrorCode.WRONG_AUDIENCE, f"The request is for {request.audience}.")
    check_time(request.issued_at, window_seconds=conf.request_window_seconds())
    writer = WRITERS.get((registry, request.operation))
    if writer is None:
        raise ProtocolError(
            ExchangeErrorCode.UNKNOWN_OPERATION, f"{registry} has no operation {request.operation!r}."
        )
    policy().authorise_write(
        registry=registry,
        operation=request.operation,
        legal_basis=request.legal_basis,
        procedure=request.procedure,
        agency_type=known.agency_type,
    )
    if subject_kind(request.subject) not in writer.subject_kinds:
        raise ProtocolError(
            ExchangeErrorCode.INVALID_SUBJECT, f"{request.operation} takes no subject of this kind."
        )
    # The unique nonce of the log entry is the final replay check, but it comes after the write:
    # refuse a token seen before here, before anything is written.
    if LogEntry.objects.filter(nonce=request.nonce).exists():
        raise ProtocolError(ExchangeErrorCode.REPLAY, "This nonce was already used: the request is a replay.")
    status, data, repeated = _apply_once(known.agency_code, request, writer, digest)
    if repeated:
        entry.detail["repeated"] = True
    entry.outcome = Outcome.WRITTEN if status == "ok" else Outcome.NOT_FOUND
    return status, data


def _kept(agency_code: str, request: WriteRequest, digest: str) -> WriteRecord | None:
    previous = WriteRecord.objects.filter(agency_code=agency_code, request_id=request.request_id).first()
    if previous is not None and (
        previous.body_digest != digest
        or previous.operation != request.operation
        or previous.registry != request.registry
        or previous.subject_id != request.subject
    ):
        raise ProtocolError(
            ExchangeErrorCode.IDEMPOTENCY_CONFLICT,
            "This request id was already used for another write: send a new request id for a new write.",
        )
    return previous


def _apply_once(
    agency_code: str, request: WriteRequest, writer: Writer, digest: str
) -> tuple[str, Any, bool]:
    previous = _kept(agency_code, request, digest)
    if previous is not None:
        return previous.status, previous.data, True
    try:
        with transaction.atomic():
            record = writer.apply(request.subject, request.body)
            status = "ok" if record is not None else "not_found"
            WriteRecord.objects.create(
                agency_code=agency_code,
                request_id=request.request_id,
                registry=request.registry,
                operation=request.operation,
                subject_id=request.subject,
                body_digest=digest,
                status=status,
                data=record,
            )
    except IntegrityError:  # the same write, sent twice at once: the other one was kept first
        previous = _kept(agency_code, request, digest)
        if previous is None:
            raise
        return previous.status, previous.data, True
    return status, record, False
