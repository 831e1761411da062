"""REST API for the exchange: the caller's data-access history ("who used my data")."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from motcua.api.errors import DENIALS, ErrorOut
from motcua.api.pagination import MAX_ID
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.exchange import selectors
from motcua.identity.permissions import applicant_auth, applicant_of

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
