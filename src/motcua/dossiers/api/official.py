"""The officials' API, open to agency systems too where it says ``agency_auth`` (an integrator
client's bearer token, docs/api.md, with the roles of their token at their agency): the inbox,
a dossier, its files, decisions and the apology letter. Claiming and assigning work are for
officials only. They call the same services as the back-office pages: 403 when the official's
role does not act on the step, 409 when the dossier's state forbids it (``code`` says why:
wrong_step, supplement_limit, apology_required, claimed_by_other).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Status

from motcua.api.errors import DENIALS, ErrorOut
from motcua.api.pagination import MAX_LIMIT, MAX_OFFSET
from motcua.documents.views import file_response
from motcua.dossiers.api.official_schemas import (
    ACTION_ERRORS,
    ApologyIn,
    AssignIn,
    ClaimManyIn,
    ClaimResultOut,
    DecisionIn,
    InboxOut,
    ResultIncompleteOut,
)
from motcua.dossiers.api.schemas import OfficialDossierOut, dossier_summary, official_out
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import inbox as inbox_selectors
from motcua.dossiers.services import assignment as assignment_services
from motcua.dossiers.services import deadlines as deadline_services
from motcua.dossiers.services import processing as processing_services
from motcua.identity.permissions import (
    agency_actor_of,
    agency_auth,
    official_auth,
    official_of,
)

router = Router()  # tagged "dossiers" where mounted (api/__init__.py)


@router.get(
    "/inbox",
    auth=agency_auth,
    response={200: InboxOut, **DENIALS},
    summary="The dossiers of the agencies in my scope, filtered, most urgent first, with counts",
    description=(
        "By default the open dossiers; status=<status> or status=all; step=<step>; queue=mine (waiting on "
        "a step my roles act on) or queue=taken (taken by me)."
    ),
)
def official_inbox(
    request: HttpRequest,
    status: str = "",
    procedure: str = "",
    agency: str = "",
    deadline: str = "",
    step: str = "",
    queue: Literal["", "mine", "taken"] = "",
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    found = inbox_selectors.inbox(
        agency_actor_of(request),
        status=status,
        procedure=procedure,
        agency=agency,
        deadline=deadline,
        step=step,
        queue=queue,
        limit=limit,
        offset=offset,
    )
    return {
        "total": found.total,
        "by_status": found.by_status,
        "overdue": found.overdue,
        "due_soon": found.due_soon,
        "dossiers": [
            {**dossier_summary(row.dossier), "deadline": row.deadline, "assignee": row.assignee}
            for row in found.rows
        ],
    }


@router.get(
    "/inbox/{code}",
    auth=agency_auth,
    response={200: OfficialDossierOut, **DENIALS},
    summary="A dossier of my scope: components with provenance, form values, history",
)
def official_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    actor = agency_actor_of(request)
    return official_out(dossier_selectors.get_dossier(actor, code), actor)


@router.post(
    "/inbox/{code}/decision",
    auth=agency_auth,
    response={200: OfficialDossierOut, 422: ResultIncompleteOut, 503: ErrorOut, **ACTION_ERRORS},
    summary="Take a decision on the step the dossier waits on (reception, handling, approval, result return)",
    description=(
        "The decisions each step allows are in the dossier's `actions.decisions`. `reason` is required for "
        "supplement, refuse, transfer, send_back and stop; `items` for supplement (only once per dossier); "
        "`agency_code` for transfer; `result` for approve when the procedure's result declares fields (422 "
        "names what is missing). A dossier past its appointment date needs the apology letter first. "
        "Approving signs the result with the agency's key: 503 when the key or the timestamp authority "
        "cannot be reached (nothing changed; retry)."
    ),
)
def decide(request: HttpRequest, code: str, body: DecisionIn) -> Status[dict[str, Any]]:
    items = [{k: v for k, v in item.dict().items() if v is not None} for item in body.items]
    try:
        dossier = _decide(request, code, body, items)
    except processing_services.IncompleteResult as exc:
        return Status(422, {"code": "incomplete", "message": exc.message, "fields": exc.fields})
    return Status(200, official_out(dossier, agency_actor_of(request)))


def _decide(request: HttpRequest, code: str, body: DecisionIn, items: list[dict[str, str]]) -> Dossier:
    return processing_services.decide(
        actor=agency_actor_of(request),
        code=code,
        decision=body.decision,
        reason=body.reason,
        items=items,
        agency_code=body.agency_code,
        result=body.result,
    )


@router.post(
    "/inbox/{code}/claim",
    auth=official_auth,
    response={200: OfficialDossierOut, **ACTION_ERRORS},
    summary="Take the dossier's current step as my work",
)
def claim(request: HttpRequest, code: str) -> dict[str, Any]:
    actor = official_of(request)
    dossier = assignment_services.claim_dossier(actor=actor, code=code)
    return official_out(dossier, actor)


@router.post(
    "/claims",
    auth=official_auth,
    response={200: list[ClaimResultOut], **DENIALS},
    summary="Take several dossiers at once; each answer says whether it was taken, and why not",
)
def claim_many(request: HttpRequest, body: ClaimManyIn) -> list[dict[str, Any]]:
    results = assignment_services.claim_dossiers(actor=official_of(request), codes=body.codes)
    return [vars(r) for r in results]


@router.post(
    "/inbox/{code}/assignee",
    auth=official_auth,
    response={200: OfficialDossierOut, **ACTION_ERRORS},
    summary="Assign the current step to an official holding its role at the agency (leaders, admins)",
)
def assign(request: HttpRequest, code: str, body: AssignIn) -> dict[str, Any]:
    actor = official_of(request)
    dossier = assignment_services.assign_dossier(actor=actor, code=code, user_id=body.user_id)
    return official_out(dossier, actor)


@router.post(
    "/inbox/{code}/apology",
    auth=agency_auth,
    response={200: OfficialDossierOut, **ACTION_ERRORS},
    summary="Issue the apology letter with a new appointment date (form 04) for a late dossier",
)
def apology(request: HttpRequest, code: str, body: ApologyIn) -> dict[str, Any]:
    dossier = deadline_services.issue_apology(
        actor=agency_actor_of(request),
        code=code,
        reason=body.reason,
        new_due_on=body.new_due_on,
    )
    return official_out(dossier, agency_actor_of(request))


@router.get(
    "/inbox/{code}/files/{file_id}",
    auth=agency_auth,
    response={200: None, **DENIALS},
    summary="A scan or upload of a dossier of my scope (always as an attachment)",
)
def official_dossier_file(request: HttpRequest, code: str, file_id: str) -> FileResponse:
    stored = dossier_selectors.get_dossier_file(agency_actor_of(request), code, file_id)
    return file_response(stored.storage_name, stored.content_type, stored.original_name)
