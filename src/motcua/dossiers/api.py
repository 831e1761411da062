"""REST API for drafts and dossiers: what the pages do, with the same permissions (the
applicant's own drafts and dossiers), and the public status lookup.

A draft's representation carries its components (with the consent preview for data components:
what, from where, why, under which legal basis), the data fetched for it marked with its source,
and the form fields with their values and whether a registry filled them.
"""

from __future__ import annotations

import datetime
import json
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.api.errors import DENIALS, ErrorOut
from motcua.api.pagination import MAX_LIMIT, MAX_OFFSET
from motcua.catalog.labels import label_for
from motcua.core import ratelimit
from motcua.core.errors import NotFound
from motcua.core.middleware import too_many_requests
from motcua.documents.views import file_response
from motcua.dossiers import counter, selectors, services
from motcua.dossiers.models import Dossier, Draft
from motcua.identity.actors import ApplicantActor, OfficialActor, RequestActor
from motcua.identity.permissions import applicant_auth, official_auth, public

router = Router(tags=["dossiers"])


class FetchedValueOut(Schema):
    label: str
    value: str


class ComponentOut(Schema):
    id: str
    name: str
    kind: str
    required: bool
    state: str
    message: str
    registry: str
    registry_label: str
    purpose: str
    legal_basis: str
    fields: list[str]
    subject_field: str
    fetched_at: datetime.datetime | None
    values: list[FetchedValueOut]
    file: str


class FieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool
    value: Any
    error: str
    source: str  # the registry that filled it ("" when the applicant types it)
    read_only: bool
    candidates: list[str]


class DraftSummaryOut(Schema):
    id: str
    procedure: str
    applicant: str
    commune_code: str
    agency_code: str
    updated_at: datetime.datetime
    expires_at: datetime.datetime


class DraftOut(DraftSummaryOut):
    consent: str
    components: list[ComponentOut]
    fields: list[FieldOut]


class DraftIn(Schema):
    procedure: str
    commune_code: str
    applicant: str = ""  # public id of someone the caller acts for; empty: the caller


class ConsentIn(Schema):
    accept: list[str]  # data component ids to fetch; every other data component is declined
    subjects: dict[str, str] = {}  # ID numbers for data about someone else, by form field


class RetryIn(Schema):
    components: list[str] = []


class EntriesIn(Schema):
    values: dict[str, Any]


def _applicant(request: HttpRequest) -> ApplicantActor:
    actor: RequestActor = request.auth  # type: ignore[attr-defined]
    assert isinstance(actor, ApplicantActor)
    return actor


def _summary(draft: Draft) -> dict[str, Any]:
    return {
        "id": str(draft.public_id),
        "procedure": draft.procedure.code,
        "applicant": str(draft.applicant.public_id),
        "commune_code": draft.commune_code,
        "agency_code": draft.agency_code,
        "updated_at": draft.updated_at,
        "expires_at": draft.expires_at,
    }


def _draft_out(draft: Draft, errors: dict[str, str] | None = None) -> dict[str, Any]:
    view = selectors.draft_view(draft, errors=errors)
    return {
        **_summary(draft),
        "consent": str(draft.consent.public_id) if draft.consent else "",
        "components": [
            {
                **vars(component),
                "fields": component.field_labels,
                "values": [vars(v) for v in component.values],
            }
            for component in view.components
        ],
        "fields": [
            {
                "name": field.name,
                "label": field.label,
                "kind": field.kind,
                "required": field.required,
                "value": field.value,
                "error": field.error,
                "source": field.source.registry_label if field.source else "",
                "read_only": field.is_read_only,
                "candidates": field.candidates,
            }
            for field in view.fields
        ],
    }


@router.get(
    "/drafts", auth=applicant_auth, response={200: list[DraftSummaryOut], **DENIALS}, summary="My drafts"
)
def list_drafts(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(draft) for draft in selectors.drafts_of(_applicant(request))]


@router.post(
    "/drafts",
    auth=applicant_auth,
    response={201: DraftOut, 400: ErrorOut, **DENIALS},
    summary="Start (or resume) a draft for a procedure at a commune",
)
def start_draft(request: HttpRequest, body: DraftIn) -> Status[dict[str, Any]]:
    draft = services.start_draft(
        actor=_applicant(request),
        procedure_code=body.procedure,
        commune_code=body.commune_code,
        applicant_public_id=body.applicant,
    )
    return Status(201, _draft_out(draft))


@router.get(
    "/drafts/{draft_id}",
    auth=applicant_auth,
    response={200: DraftOut, **DENIALS},
    summary="A draft: components with the consent preview and sources, fetched data, form",
)
def get_draft(request: HttpRequest, draft_id: str) -> dict[str, Any]:
    return _draft_out(selectors.get_draft(_applicant(request), draft_id))


@router.post(
    "/drafts/{draft_id}/consent",
    auth=applicant_auth,
    response={200: DraftOut, 400: ErrorOut, **DENIALS},
    summary="Consent to fetching some data components (the rest are declined), then fetch them",
)
def give_consent(request: HttpRequest, draft_id: str, body: ConsentIn) -> dict[str, Any]:
    draft = services.give_consent(
        actor=_applicant(request), public_id=draft_id, accepted=body.accept, subject_values=body.subjects
    )
    return _draft_out(draft)


@router.post(
    "/drafts/{draft_id}/pull",
    auth=applicant_auth,
    response={200: DraftOut, 400: ErrorOut, **DENIALS},
    summary="Fetch again the consented components that could not be fetched",
)
def retry_pull(request: HttpRequest, draft_id: str, body: RetryIn) -> dict[str, Any]:
    return _draft_out(
        services.retry_pull(actor=_applicant(request), public_id=draft_id, component_ids=body.components)
    )


@router.put(
    "/drafts/{draft_id}/entries",
    auth=applicant_auth,
    response={200: DraftOut, **DENIALS},
    summary="Save form values (kept even when invalid; each field's error is in the answer)",
)
def save_entries(request: HttpRequest, draft_id: str, body: EntriesIn) -> dict[str, Any]:
    draft, errors = services.save_entries(actor=_applicant(request), public_id=draft_id, values=body.values)
    return _draft_out(draft, errors)


@router.post(
    "/drafts/{draft_id}/components/{component_id}/file",
    auth=applicant_auth,
    response={200: DraftOut, 400: ErrorOut, **DENIALS},
    summary="Upload the document for a component (multipart, field 'file')",
)
def upload_component(
    request: HttpRequest, draft_id: str, component_id: str, file: File[UploadedFile]
) -> dict[str, Any]:
    draft = services.upload_component(
        actor=_applicant(request),
        public_id=draft_id,
        component_id=component_id,
        chunks=file.chunks(),
        file_name=file.name or "tep-tin",
        size=file.size,
    )
    return _draft_out(draft)


# --- Submission and dossiers -------------------------------------------------------------------


class IncompleteOut(ErrorOut):
    fields: dict[str, str]  # form field -> what is wrong
    components: dict[str, str]  # component id -> what is missing


class DossierComponentOut(Schema):
    id: str
    name: str
    kind: str
    provenance: str  # registry | upload | wallet | scan | none
    provenance_label: str
    registry_label: str
    fetched_at: datetime.datetime | None
    file: str
    values: list[FetchedValueOut]
    scanned_by: str  # the official who scanned it (provenance scan)
    scanned_at: datetime.datetime | None


class DossierSummaryOut(Schema):
    code: str
    procedure: str
    applicant: str
    agency_code: str
    commune_code: str
    channel: str
    status: str
    status_label: str
    submitted_at: datetime.datetime
    received_at: datetime.datetime
    due_on: datetime.date | None


class DossierOut(DossierSummaryOut):
    agency_name: str
    received_by: str  # the reception officer, for a dossier received at the counter or by post
    identity_check: str  # chip_card | paper_id | post_copy ("" online)
    working_days: int | None
    lookup_pin: str
    entries: dict[str, Any]
    components: list[DossierComponentOut]


class LookupIn(Schema):
    code: str
    factor: str  # the receipt PIN, or the applicant's personal ID number (or enterprise code)


class PublicStatusOut(Schema):
    code: str
    procedure_name: str
    agency_name: str
    status: str
    status_label: str
    received_at: datetime.datetime
    due_on: datetime.date | None


def _dossier_summary(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.code,
        "applicant": str(dossier.applicant.public_id),
        "agency_code": dossier.agency_code,
        "commune_code": dossier.commune_code,
        "channel": dossier.channel,
        "status": dossier.status,
        "status_label": label_for("dossier_status", dossier.status),
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_on": dossier.due_on,
    }


def _dossier_out(dossier: Dossier) -> dict[str, Any]:
    view = selectors.dossier_view(dossier)
    return {
        **_dossier_summary(dossier),
        "agency_name": view.agency_name,
        "received_by": view.received_by,
        "identity_check": dossier.identity_check,
        "working_days": dossier.working_days,
        "lookup_pin": view.lookup_pin,
        "entries": dossier.entries,
        "components": [{**vars(c), "values": [vars(v) for v in c.values]} for c in view.components],
    }


@router.post(
    "/drafts/{draft_id}/submit",
    auth=applicant_auth,
    response={201: DossierOut, 400: ErrorOut, 422: IncompleteOut, **DENIALS},
    summary="Submit a complete draft: the dossier gets its code, receipt and appointment date",
    description="422 lists every missing or invalid field and component; the draft is kept as it was.",
)
def submit_draft(request: HttpRequest, draft_id: str) -> Status[dict[str, Any]]:
    try:
        dossier = services.submit_draft(actor=_applicant(request), public_id=draft_id)
    except services.IncompleteDossier as exc:
        body = {
            "code": "incomplete",
            "message": exc.message,
            "fields": exc.fields,
            "components": exc.components,
        }
        return Status(422, body)
    return Status(201, _dossier_out(dossier))


@router.get(
    "/dossiers",
    auth=applicant_auth,
    response={200: list[DossierSummaryOut], **DENIALS},
    summary="My dossiers (submitted by me or for me)",
)
def list_dossiers(request: HttpRequest) -> list[dict[str, Any]]:
    return [_dossier_summary(dossier) for dossier in selectors.dossiers_of(_applicant(request))]


@router.get(
    "/dossiers/{code}",
    auth=applicant_auth,
    response={200: DossierOut, **DENIALS},
    summary="One of my dossiers: status, dates, components with their provenance, form values",
)
def get_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    return _dossier_out(selectors.get_dossier(_applicant(request), code))


@router.post(
    "/dossier-status",
    response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="Public lookup of a dossier's status by its code and PIN (or the applicant's ID number)",
    description="The same 404 for a wrong code and a wrong number; no personal data; rate-limited.",
)
@public
def lookup_dossier(request: HttpRequest, body: LookupIn) -> Status[Any] | HttpResponse:
    try:
        status = selectors.throttled_public_status(ratelimit.client_address(request), body.code, body.factor)
    except selectors.LookupBlocked as exc:
        response = too_many_requests(request, exc.retry_after)  # with Retry-After
        return response
    except NotFound as exc:
        return Status(404, {"code": "not_found", "message": exc.message})
    return Status(200, vars(status))


# --- Officials ---------------------------------------------------------------------------------


class InboxRowOut(DossierSummaryOut):
    deadline: str  # overdue | due_soon | on_time | none


class InboxOut(Schema):
    total: int
    by_status: dict[str, int]
    overdue: int
    due_soon: int
    dossiers: list[InboxRowOut]


class HistoryOut(Schema):
    at: datetime.datetime
    what: str
    actor_kind: str


class OfficialDossierOut(DossierOut):
    history: list[HistoryOut]


@router.get(
    "/inbox",
    auth=official_auth,
    response={200: InboxOut, **DENIALS},
    summary="The dossiers of the agencies in my scope, filtered, most urgent first, with counts",
    description="By default the open dossiers (the work queue); status=<status> or status=all.",
)
def official_inbox(
    request: HttpRequest,
    status: str = "",
    procedure: str = "",
    agency: str = "",
    deadline: str = "",
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    found = selectors.inbox(
        request.auth,  # type: ignore[attr-defined]
        status=status,
        procedure=procedure,
        agency=agency,
        deadline=deadline,
        limit=limit,
        offset=offset,
    )
    return {
        "total": found.total,
        "by_status": found.by_status,
        "overdue": found.overdue,
        "due_soon": found.due_soon,
        "dossiers": [{**_dossier_summary(row.dossier), "deadline": row.deadline} for row in found.rows],
    }


@router.get(
    "/inbox/{code}",
    auth=official_auth,
    response={200: OfficialDossierOut, **DENIALS},
    summary="A dossier of my scope: components with provenance, form values, history",
)
def official_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    return _official_dossier_out(selectors.get_dossier(request.auth, code))  # type: ignore[attr-defined]


@router.get(
    "/inbox/{code}/files/{file_id}",
    auth=official_auth,
    response={200: None, **DENIALS},
    summary="A scan or upload of a dossier of my scope (always as an attachment)",
)
def official_dossier_file(request: HttpRequest, code: str, file_id: str) -> FileResponse:
    stored = selectors.get_dossier_file(request.auth, code, file_id)  # type: ignore[attr-defined]
    return file_response(stored.storage_name, stored.content_type, stored.original_name)


def _official_dossier_out(dossier: Dossier) -> dict[str, Any]:
    return {**_dossier_out(dossier), "history": [vars(h) for h in selectors.dossier_history(dossier)]}


# --- Counter and post --------------------------------------------------------------------------


class CounterDossierIn(Schema):
    key: str = Field(description="A UUID the client chooses; sent again, it returns the same dossier")
    procedure: str = Field(description="The procedure's code")
    channel: str = Field(description="counter | post")
    agency: str = Field("", description="The agency received for (may be left out by an officer of one)")
    commune_code: str = Field("", description="For a province agency: the commune where the person applies")
    personal_id: str = Field(description="The person's 12-digit personal ID number, as on their ID card")
    full_name: str = Field(description="As on the ID card")
    birth_date: str = Field(description="YYYY-MM-DD or DD/MM/YYYY, as on the ID card")
    identity_check: str = Field(description="chip_card | paper_id (counter), post_copy (post)")
    entries: str = Field("{}", description="The form values, a JSON object as in PUT /drafts/{id}/entries")
    scan_components: list[str] = Field([], description="The component of each file in `scans`, in order")


class CounterIncompleteOut(IncompleteOut):
    person: dict[str, str]  # personal_id, full_name, birth_date, identity_check, commune_code -> problem


def _official(request: HttpRequest) -> OfficialActor:
    actor: RequestActor = request.auth  # type: ignore[attr-defined]
    assert isinstance(actor, OfficialActor)
    return actor


@router.post(
    "/counter/dossiers",
    auth=official_auth,
    response={201: OfficialDossierOut, 400: ErrorOut, 422: CounterIncompleteOut, **DENIALS},
    summary="Receive a dossier at the counter or by post for a person, with scans of the paper documents",
    description=(
        "Multipart: the fields below, and one file part `scans` per scanned component, named in "
        "`scan_components` in the same order. Reception officers only (403 for other officials, "
        "404 for an agency where the caller does not receive). 422 lists every problem with the "
        "person's identity (`person`), the form (`fields`) and the scans (`components`); nothing "
        "is kept then. The same `key` again returns the dossier received the first time."
    ),
)
def receive_at_counter(
    request: HttpRequest,
    data: Form[CounterDossierIn],
    scans: File[list[UploadedFile]] = [],  # noqa: B006 (ninja reads the default, never mutates it)
) -> Status[dict[str, Any]]:
    files = list(scans)
    if len(files) != len(data.scan_components) or len(set(data.scan_components)) != len(files):
        return Status(
            400,
            {"code": "invalid_input", "message": _("Name the component of every scan, each once.")},
        )
    try:
        entries = json.loads(data.entries or "{}")
    except ValueError:
        entries = None
    if not isinstance(entries, dict):
        return Status(400, {"code": "invalid_input", "message": _("The entries must be a JSON object.")})
    try:
        dossier = counter.receive_at_counter(
            actor=_official(request),
            procedure_code=data.procedure,
            channel=data.channel,
            agency_code=data.agency,
            commune_code=data.commune_code,
            person=counter.Person(
                personal_id=data.personal_id,
                full_name=data.full_name,
                birth_date=data.birth_date,
                identity_check=data.identity_check,
            ),
            entries=entries,
            scans={
                component: counter.Scan(
                    chunks=upload.chunks(), file_name=upload.name or "ban-quet", size=upload.size
                )
                for component, upload in zip(data.scan_components, files, strict=True)
            },
            key=data.key,
        )
    except counter.IncompleteReception as exc:
        body = {
            "code": "incomplete",
            "message": exc.message,
            "fields": exc.fields,
            "components": exc.components,
            "person": exc.person,
        }
        return Status(422, body)
    return Status(201, _official_dossier_out(dossier))
