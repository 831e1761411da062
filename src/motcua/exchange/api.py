"""REST API for the exchange: the caller's data-access history ("who used my data"), their
camera-detected traffic fines, and, for officials, the writes to the registries that need them."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from motcua.api.errors import DENIALS, ErrorOut
from motcua.api.pagination import MAX_ID
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.exchange import fines, selectors, writes
from motcua.exchange.models import RegistryWrite
from motcua.identity.permissions import applicant_auth, applicant_of, official_auth, official_of

router = Router(tags=["exchange"])


class DataAccessOut(Schema):
    reference: str
    occurred_at: datetime.datetime | None
    registry: str
    registry_label: str
    agency_code: str
    agency_name: str
    purpose: str
    procedure_code: str
    procedure_name: str
    dossier_ref: str  # the draft's id (or the dossier's code) the registry logged
    dossier_code: str  # the dossier's code once the application was submitted, "" before
    own: bool  # the dossier (or draft) is the caller's own
    fields: list[str]
    outcome: str
    outcome_label: str  # for a refusal, why (not_related: not recorded as a relative, ...)
    error_code: str
    relation: str  # how the applicant who asked stood to the person: self, represented, child, household, ...
    relation_label: str


class DataAccessHistoryOut(Schema):
    subject: str
    accesses: list[DataAccessOut]
    next_before: int | None  # pass as ?before= for the next, older page


@router.get(
    "/me/data-access",
    auth=applicant_auth,
    response={200: DataAccessHistoryOut, 503: ErrorOut, **DENIALS},
    summary="Every access the national registries logged to my records (or to those of a child or "
    "organisation I represent: ?applicant=<applicant id>)",
)
def data_access(
    request: HttpRequest, applicant: str = "", before: Annotated[int, Field(ge=0, le=MAX_ID)] = 0
) -> object:
    actor = applicant_of(request)
    history = selectors.data_access_history(actor, applicant_public_id=applicant, before=before)
    if not history.available:
        return 503, {
            "code": "registries_unavailable",
            "message": _(
                "The national databases cannot be asked right now. Please try again in a few minutes."
            ),
        }
    references = dossier_selectors.data_use_references(
        actor, {access.dossier_ref for access in history.accesses}
    )
    accesses = []
    for access in history.accesses:
        reference = references.get(access.dossier_ref)
        accesses.append(
            {
                **vars(access),
                "dossier_code": reference.code if reference else "",
                "own": bool(reference and (reference.own_dossier or reference.own_draft)),
                "outcome_label": access.outcome_label,
                "relation_label": access.relation_label,
            }
        )
    return {
        "subject": str(history.subject.public_id),
        "accesses": accesses,
        "next_before": history.next_before,
    }


# --- camera-detected traffic fines (essential service #8) --------------------------------------


class FineOut(Schema):
    violation_id: str
    plate: str
    vehicle_kind: str
    detected_at: str  # local date and time, YYYY-MM-DDTHH:MM
    place: str
    offence: str
    legal_reference: str
    fine_vnd: int
    paid: bool
    paid_on: str
    payment_reference: str


class FinesOut(Schema):
    fines: list[FineOut]  # newest first
    unpaid_count: int
    unpaid_total_vnd: int


@router.post(
    "/me/fines",
    auth=applicant_auth,
    response={200: FinesOut, 503: ErrorOut, **DENIALS},
    summary="My camera-detected traffic fines, asked of the traffic-violation database now (calling "
    "this is consenting to that one read, recorded like every consent)",
)
def my_fines(request: HttpRequest) -> object:
    lookup = fines.look_up_fines(actor=applicant_of(request))
    if not lookup.available:
        return 503, {
            "code": "registries_unavailable",
            "message": _(
                "The national databases cannot be asked right now. Please try again in a few minutes."
            ),
        }
    return {
        "fines": [vars(fine) for fine in lookup.fines],
        "unpaid_count": len(lookup.unpaid),
        "unpaid_total_vnd": sum(fine.fine_vnd for fine in lookup.unpaid),
    }


# --- signed writes to the registries, for officials (ADR 0043) ---------------------------------


class RegistryWriteOut(Schema):
    id: str
    registry: str
    operation: str
    subject_masked: str
    agency_code: str
    procedure_code: str
    dossier_ref: str
    status: str
    attempts: int
    error_code: str
    error_message: str
    resolution_note: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ResolveIn(Schema):
    note: str = Field(min_length=1, max_length=500)


def _write_out(write: RegistryWrite) -> dict[str, object]:
    return {
        "id": str(write.public_id),
        "registry": write.registry,
        "operation": write.operation,
        "subject_masked": selectors.masked_subject(write),
        "agency_code": write.agency_code,
        "procedure_code": write.procedure_code,
        "dossier_ref": write.dossier_ref,
        "status": write.status,
        "attempts": write.attempts,
        "error_code": write.error_code,
        "error_message": write.error_message,
        "resolution_note": write.resolution_note,
        "created_at": write.created_at,
        "updated_at": write.updated_at,
    }


@router.get(
    "/registry-writes",
    auth=official_auth,
    response={200: list[RegistryWriteOut], **DENIALS},
    summary="Writes to the national registries of my agencies that were refused or could not be "
    "delivered (?include_settled=true: every write), newest first, 200 at most",
)
def registry_writes(request: HttpRequest, include_settled: bool = False) -> object:
    rows = selectors.registry_writes(official_of(request), attention_only=not include_settled)[:200]
    return [_write_out(write) for write in rows]


@router.get(
    "/registry-writes/{write_id}",
    auth=official_auth,
    response={200: RegistryWriteOut, **DENIALS},
    summary="One write to a national registry, with the registry's answer",
)
def registry_write(request: HttpRequest, write_id: str) -> object:
    return _write_out(selectors.get_registry_write(official_of(request), write_id))


@router.post(
    "/registry-writes/{write_id}/retry",
    auth=official_auth,
    response={200: RegistryWriteOut, 400: ErrorOut, **DENIALS},
    summary="Send a refused or undelivered write again (the same request id: written at most once)",
)
def retry_registry_write(request: HttpRequest, write_id: str) -> object:
    actor = official_of(request)
    write = writes.retry_write(actor=actor, write=selectors.get_registry_write(actor, write_id))
    return _write_out(write)


@router.post(
    "/registry-writes/{write_id}/resolve",
    auth=official_auth,
    response={200: RegistryWriteOut, 400: ErrorOut, **DENIALS},
    summary="Close a refused or undelivered write, saying how it was settled",
)
def resolve_registry_write(request: HttpRequest, write_id: str, payload: ResolveIn) -> object:
    actor = official_of(request)
    write = writes.resolve_write(
        actor=actor, write=selectors.get_registry_write(actor, write_id), note=payload.note
    )
    return _write_out(write)
