"""REST API for drafts and dossiers: what the pages do, with the same permissions (the
applicant's own drafts and dossiers; an official's scope and roles), and the public status
lookup. Processing decisions, claims, assignment and the apology letter call the same services
as the back-office pages: 403 when the official's role does not act on the step, 409 when the
dossier's state forbids it (``code`` says why: wrong_step, supplement_limit, apology_required,
claimed_by_other).

The inbox, a dossier, its files, decisions and the apology letter are open to agency systems too
(``agency_auth``: an integrator client's bearer token, docs/api.md), with the roles of their token
at their agency; claiming and assigning work and the counter are for officials only.

A draft's representation carries its components (with the consent preview for data components:
what, from where, why, under which legal basis), the data fetched for it marked with its source,
and the form fields with their values and whether a registry filled them.
"""

from __future__ import annotations

import datetime
import json
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.api.errors import DENIALS, ErrorOut
from motcua.api.pagination import MAX_LIMIT, MAX_OFFSET
from motcua.catalog.labels import label_for
from motcua.core import ratelimit
from motcua.core.errors import NotFound
from motcua.core.inputs import MAX_TEXT
from motcua.core.middleware import too_many_requests
from motcua.documents.views import file_response
from motcua.dossiers import bundles, counter, processing, services
from motcua.dossiers.models import BundleApplication, Dossier, Draft
from motcua.dossiers.presenters import bundles as bundle_presenters
from motcua.dossiers.presenters import dossiers as dossier_presenters
from motcua.dossiers.presenters import drafts as draft_presenters
from motcua.dossiers.selectors import actions as action_selectors
from motcua.dossiers.selectors import bundles as bundle_selectors
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import drafts as draft_selectors
from motcua.dossiers.selectors import inbox as inbox_selectors
from motcua.dossiers.selectors import lookup as lookup_selectors
from motcua.identity.actors import RequestActor
from motcua.identity.permissions import (
    agency_auth,
    applicant_auth,
    applicant_of,
    official_auth,
    official_of,
    public,
)

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
    result_type: str = ""  # the result type a wallet document must have to be taken for it
    wallet_item: str = ""  # the wallet document taken for it (state "wallet")
    wallet_only: bool = False  # no upload can replace it (``fallback: none``)
    # state "refused": the registry's code; "not_related" or "representation_not_verified" leave
    # the component to what the applicant types (the official checks it) or uploads
    refusal: str = ""
    # active content the platform took out of the uploaded PDF (``javascript``, ``open_action``,
    # ``additional_actions``, ``data_actions``), and the sentence saying so in your language
    removed_content: list[str] = []
    notice: str = ""


class ChoiceOut(Schema):
    value: str  # what to send
    label: str  # what to show, in the caller's language


class FieldOut(Schema):
    name: str
    label: str
    kind: str  # text | choice | list | integer | date | boolean
    required: bool
    value: Any
    error: str
    source: str  # the registry that filled it ("" when the applicant types it)
    read_only: bool
    candidates: list[str]
    choices: list[ChoiceOut]  # kind "choice": the values the field takes
    max_length: int | None  # kind "text" (and each line of a list): longer values are refused


class DraftSummaryOut(Schema):
    id: str
    procedure: str
    bundle: str  # the interconnected procedure group this draft starts, or "" for a plain draft
    applicant: str
    commune_code: str
    agency_code: str
    updated_at: datetime.datetime
    expires_at: datetime.datetime


class LaterMemberOut(Schema):
    procedure: str
    procedure_name: str
    fields: list[FieldOut]  # named <procedure>__<field>; send them with the draft's own fields


class FeeOut(Schema):
    amount_vnd: int | None  # null: not set (yet), see note
    kind: str  # none | fixed | dmn (from the procedure's fee table) | table | unconfirmed
    text: str
    note: str  # how it is set, the fields it still waits for, or why the values entered give none
    problem: bool  # the values entered give no fee: submitting is refused until they are corrected


class DraftOut(DraftSummaryOut):
    consent: str
    fee: FeeOut  # what submitting now would be charged
    components: list[ComponentOut]
    fields: list[FieldOut]
    bundle_members: list[str]
    later_members: list[LaterMemberOut]


class BundleDraftIn(Schema):
    bundle: str = Field(..., max_length=64)
    commune_code: str = Field(..., max_length=5)
    members: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=10
    )  # optional ones


class BundleMemberOut(Schema):
    procedure: str
    procedure_name: str
    dossier_code: str  # "" until the member's dossier exists
    status: str  # "" while it waits for the members before it
    status_label: str
    agency_name: str
    due_on: datetime.date | None
    waiting_for: list[str]


class BundleApplicationOut(Schema):
    id: str
    bundle: str
    name: str
    created_at: datetime.datetime
    complete: bool
    members: list[BundleMemberOut]


class DraftIn(Schema):
    procedure: str = Field(..., max_length=64)
    commune_code: str = Field(..., max_length=16)
    applicant: str = Field("", max_length=64)  # public id of someone the caller acts for; empty: the caller


class ConsentIn(Schema):
    # data component ids to fetch; every other data component is declined
    accept: list[Annotated[str, Field(max_length=64)]] = Field(..., max_length=100)
    # ID numbers for data about someone else, by form field
    subjects: dict[str, Annotated[str, Field(max_length=32)]] = Field(default_factory=dict, max_length=100)


class RetryIn(Schema):
    components: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=100)


class EntriesIn(Schema):
    # by field name; each text at most the field's `max_length` (see the draft's `fields`)
    values: dict[str, Any] = Field(..., max_length=500)


def _summary(draft: Draft) -> dict[str, Any]:
    return {
        "id": str(draft.public_id),
        "procedure": draft.procedure.code,
        "bundle": draft.bundle_code,
        "applicant": str(draft.applicant.public_id),
        "commune_code": draft.commune_code,
        "agency_code": draft.agency_code,
        "updated_at": draft.updated_at,
        "expires_at": draft.expires_at,
    }


def _field_out(field: Any) -> dict[str, Any]:
    return {
        "name": field.name,
        "label": field.label,
        "kind": field.kind,
        "required": field.required,
        "value": field.value,
        "error": field.error,
        "source": field.source.registry_label if field.source else "",
        "read_only": field.is_read_only,
        "candidates": field.candidates,
        "choices": [{"value": value, "label": label} for value, label in field.choices],
        "max_length": field.max_length,
    }


def _draft_out(draft: Draft, errors: dict[str, str] | None = None) -> dict[str, Any]:
    view = draft_presenters.draft_view(draft, errors=errors)
    return {
        **_summary(draft),
        "bundle_members": draft.bundle_members,
        "later_members": [
            {
                "procedure": form.procedure_code,
                "procedure_name": form.procedure_name,
                "fields": [_field_out(f) for f in form.fields],
            }
            for form in view.later_members
        ],
        "consent": str(draft.consent.public_id) if draft.consent else "",
        "components": [
            {
                **vars(component),
                "fields": component.field_labels,
                "values": [vars(v) for v in component.values],
            }
            for component in view.components
        ],
        "fields": [_field_out(field) for field in view.fields],
        "fee": vars(view.fee),
    }


@router.get(
    "/drafts", auth=applicant_auth, response={200: list[DraftSummaryOut], **DENIALS}, summary="My drafts"
)
def list_drafts(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(draft) for draft in draft_selectors.drafts_of(applicant_of(request))]


@router.post(
    "/drafts",
    auth=applicant_auth,
    response={201: DraftOut, 400: ErrorOut, **DENIALS},
    summary="Start (or resume) a draft for a procedure at a commune",
)
def start_draft(request: HttpRequest, body: DraftIn) -> Status[dict[str, Any]]:
    draft = services.start_draft(
        actor=applicant_of(request),
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
    return _draft_out(draft_selectors.get_draft(applicant_of(request), draft_id))


@router.delete(
    "/drafts/{draft_id}",
    auth=applicant_auth,
    response={204: None, 409: ErrorOut, **DENIALS},
    summary="Discard a draft, with the data fetched for it",
    description=(
        "Deletes the draft and everything fetched for it (the consent and the exchange logs stay, as "
        "evidence). Idempotent: discarding it again answers 204. 404 for a draft that is not the "
        "caller's; 409 `draft_submitted` once it has been submitted (withdraw the dossier instead)."
    ),
)
def discard_draft(request: HttpRequest, draft_id: str) -> Status[None]:
    services.discard_draft(actor=applicant_of(request), public_id=draft_id)
    return Status(204, None)


@router.post(
    "/drafts/{draft_id}/consent",
    auth=applicant_auth,
    response={200: DraftOut, 400: ErrorOut, 429: ErrorOut, **DENIALS},
    summary="Consent to fetching some data components (the rest are declined), then fetch them",
    description="Data about someone other than the applicant is served only to a relative or a "
    "household member as the registries record it (a refused component has `refusal`, e.g. "
    "`not_related`, and no data); such requests are limited per applicant (429, Retry-After).",
)
def give_consent(request: HttpRequest, draft_id: str, body: ConsentIn) -> dict[str, Any]:
    draft = services.give_consent(
        actor=applicant_of(request), public_id=draft_id, accepted=body.accept, subject_values=body.subjects
    )
    return _draft_out(draft)


@router.post(
    "/drafts/{draft_id}/pull",
    auth=applicant_auth,
    response={200: DraftOut, 400: ErrorOut, 429: ErrorOut, **DENIALS},
    summary="Fetch again the consented components that could not be fetched",
    description="The body is optional: without it (or with no `components`), every one that failed.",
)
def retry_pull(request: HttpRequest, draft_id: str, body: RetryIn | None = None) -> dict[str, Any]:
    components = body.components if body is not None else []
    return _draft_out(
        services.retry_pull(actor=applicant_of(request), public_id=draft_id, component_ids=components)
    )


@router.put(
    "/drafts/{draft_id}/entries",
    auth=applicant_auth,
    response={200: DraftOut, **DENIALS},
    summary="Save form values (kept even when invalid; each field's error is in the answer)",
)
def save_entries(request: HttpRequest, draft_id: str, body: EntriesIn) -> dict[str, Any]:
    draft, errors = services.save_entries(actor=applicant_of(request), public_id=draft_id, values=body.values)
    return _draft_out(draft, errors)


@router.post(
    "/drafts/{draft_id}/components/{component_id}/file",
    auth=applicant_auth,
    response={200: DraftOut, 400: ErrorOut, **DENIALS},
    summary="Upload the document for a component (multipart, field 'file')",
    description=(
        "A refused file (type, size, or a PDF's content: 400 `pdf_refused` names what it holds) leaves "
        "the draft as it was. Active content removed from a PDF is listed in the component's "
        "`removed_content` and `notice` (ADR 0024)."
    ),
)
def upload_component(
    request: HttpRequest, draft_id: str, component_id: str, file: File[UploadedFile]
) -> dict[str, Any]:
    draft = services.upload_component(
        actor=applicant_of(request),
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
    # provenance wallet: the document taken from the applicant's data wallet, and its standing now
    wallet_title: str = ""
    wallet_issuer: str = ""
    wallet_issued_on: datetime.date | None = None
    wallet_number: str = ""
    wallet_validity: str = ""  # valid | expired | revoked
    removed_content: list[str] = []  # active content taken out of the file before it was kept
    notice: str = ""


class DossierSummaryOut(Schema):
    code: str
    procedure: str
    applicant: str
    agency_code: str
    commune_code: str
    channel: str
    status: str
    status_label: str
    step: str  # the process step waiting for a decision, or "done"
    step_label: str
    submitted_at: datetime.datetime
    received_at: datetime.datetime
    due_on: datetime.date | None
    original_due_on: datetime.date | None  # the date on the receipt, before any apology
    paused: bool  # the clock stands still (a supplement is awaited)
    fee_vnd: int | None  # the fee set at submission (0: none); null when the catalog does not set it


class NoticeOut(Schema):
    number: str
    form: str  # 02 supplement, 03 refusal, 04 apology, 05 stop, transfer, withdrawal
    form_label: str
    step: str
    reason: str
    items: list[str]  # form 02: what to supplement, by name
    requested: list[dict[str, str]]  # form 02: [{"component": id} | {"field": name}]
    new_due_on: datetime.date | None  # form 04
    issued_by: str  # the agency
    issued_at: datetime.datetime


class ActionsOut(Schema):
    step_role: str
    decisions: list[str]
    may_claim: bool
    may_assign: bool
    may_apologise: bool
    may_supplement: bool
    may_withdraw: bool


class DossierOut(DossierSummaryOut):
    agency_name: str
    received_by: str  # the reception officer, for a dossier received at the counter or by post
    identity_check: str  # chip_card | paper_id | post_copy ("" online)
    working_days: int | None
    lookup_pin: str
    entries: dict[str, Any]
    components: list[DossierComponentOut]
    notices: list[NoticeOut]
    actions: ActionsOut  # what the caller may do now


class LookupIn(Schema):
    code: str = Field(..., max_length=64)
    # the receipt PIN, or the applicant's personal ID number (or enterprise code)
    factor: str = Field(..., max_length=64)


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
        "step": dossier.step,
        "step_label": label_for("step", dossier.step),
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_on": dossier.due_on,
        "original_due_on": dossier.original_due_on,
        "paused": dossier.paused_since is not None,
        "fee_vnd": dossier.fee_vnd,
    }


def _notices_out(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            "number": v.notice.number,
            "form": v.notice.form,
            "form_label": v.form_label,
            "step": v.notice.step,
            "reason": v.notice.reason,
            "items": v.items,
            "requested": v.notice.items,
            "new_due_on": v.notice.new_due_on,
            "issued_by": v.issued_by,
            "issued_at": v.notice.issued_at,
        }
        for v in dossier_presenters.notices_of(dossier)
    ]


def _actions_out(actor: RequestActor | None, dossier: Dossier) -> dict[str, Any]:
    actions = action_selectors.available_actions(actor, dossier)
    return {
        **{k: v for k, v in vars(actions).items() if k != "assignable"},
        "decisions": list(actions.decisions),
    }


def _dossier_out(dossier: Dossier, actor: RequestActor | None) -> dict[str, Any]:
    view = dossier_presenters.dossier_view(dossier)
    return {
        "notices": _notices_out(dossier),
        "actions": _actions_out(actor, dossier),
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
        dossier = services.submit_draft(actor=applicant_of(request), public_id=draft_id)
    except services.IncompleteDossier as exc:
        body = {
            "code": "incomplete",
            "message": exc.message,
            "fields": exc.fields,
            "components": exc.components,
        }
        return Status(422, body)
    return Status(201, _dossier_out(dossier, request.auth))  # type: ignore[attr-defined]


@router.post(
    "/bundle-drafts",
    auth=applicant_auth,
    response={201: DraftOut, 400: ErrorOut, **DENIALS},
    summary="Start an interconnected application (liên thông): a draft of the bundle's first procedure",
    description=(
        "`members` names the optional procedures to include (the death bundle's funeral allowance and "
        "survivor benefit); required ones always are. The draft's `later_members` lists the fields the "
        "later procedures need; send them with the draft's entries as `<procedure>__<field>`."
    ),
)
def start_bundle_draft(request: HttpRequest, body: BundleDraftIn) -> Status[dict[str, Any]]:
    draft = bundles.start_bundle_draft(
        actor=applicant_of(request),
        bundle_code=body.bundle,
        commune_code=body.commune_code,
        members=body.members,
    )
    return Status(201, _draft_out(draft))


def _bundle_out(application: BundleApplication) -> dict[str, Any]:
    view = bundle_presenters.bundle_view(application)
    return {
        "id": str(application.public_id),
        "bundle": application.bundle_code,
        "name": view.name,
        "created_at": application.created_at,
        "complete": view.complete,
        "members": [{**vars(m), "procedure": m.procedure_code} for m in view.members],
    }


@router.get(
    "/bundle-applications",
    auth=applicant_auth,
    response={200: list[BundleApplicationOut], **DENIALS},
    summary="My interconnected applications, each with its members' dossiers and statuses",
)
def list_bundle_applications(request: HttpRequest) -> list[dict[str, Any]]:
    return [_bundle_out(a) for a in bundle_selectors.bundle_applications_of(applicant_of(request))]


@router.get(
    "/bundle-applications/{application_id}",
    auth=applicant_auth,
    response={200: BundleApplicationOut, **DENIALS},
    summary="One interconnected application: each member's dossier, agency, appointment date and status",
)
def get_bundle_application(request: HttpRequest, application_id: str) -> dict[str, Any]:
    return _bundle_out(bundle_selectors.get_bundle_application(applicant_of(request), application_id))


@router.get(
    "/dossiers",
    auth=applicant_auth,
    response={200: list[DossierSummaryOut], **DENIALS},
    summary="My dossiers (submitted by me or for me)",
)
def list_dossiers(request: HttpRequest) -> list[dict[str, Any]]:
    return [_dossier_summary(dossier) for dossier in dossier_selectors.dossiers_of(applicant_of(request))]


@router.get(
    "/dossiers/{code}",
    auth=applicant_auth,
    response={200: DossierOut, **DENIALS},
    summary="One of my dossiers: status, dates, components with their provenance, form values",
)
def get_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    actor = applicant_of(request)
    return _dossier_out(dossier_selectors.get_dossier(actor, code), actor)


class SupplementIncompleteOut(ErrorOut):
    fields: dict[str, str]
    components: dict[str, str]


# The answer's parts are named after the components asked for, so the body is declared by hand:
# `entries` and any number of named file parts.
SUPPLEMENT_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "entries": {
                        "type": "string",
                        "default": "{}",
                        "maxLength": MAX_TEXT,
                        "description": "A JSON object of the corrected fields (those form 02 asks for)",
                    }
                },
                "additionalProperties": {
                    "type": "string",
                    "format": "binary",
                    "description": "A file for a component asked for; the part is named after its id",
                },
            }
        }
    },
}


@router.post(
    "/dossiers/{code}/supplement",
    auth=applicant_auth,
    response={200: DossierOut, 400: ErrorOut, 409: ErrorOut, 422: SupplementIncompleteOut, **DENIALS},
    summary="Answer the supplement request (form 02): corrected fields, one file per component asked for",
    description=(
        "Multipart: `entries` is a JSON object of the corrected fields; each file part is named after "
        "the component it answers (the ids in the dossier's supplement notice, `requested`). 422 lists "
        "what is still missing; nothing is changed then. The clock runs again and the paused working "
        "days are added to the appointment date."
    ),
    openapi_extra={"requestBody": SUPPLEMENT_BODY},
)
def supplement_dossier(request: HttpRequest, code: str) -> Status[dict[str, Any]]:
    try:
        values = json.loads(request.POST.get("entries") or "{}")
    except (ValueError, RecursionError):  # not JSON, or nested beyond what the parser follows
        values = None
    if not isinstance(values, dict):
        return Status(400, {"code": "invalid_input", "message": _("`entries` must be a JSON object.")})
    files = {}
    for name in request.FILES:
        upload = request.FILES.get(name)
        if upload is not None:
            files[name] = processing.SupplementFile(
                chunks=upload.chunks(), file_name=upload.name or "", size=upload.size
            )
    actor = applicant_of(request)
    try:
        dossier = processing.supplement_dossier(actor=actor, code=code, entries=values, files=files)
    except processing.IncompleteSupplement as exc:
        body = {
            "code": "incomplete",
            "message": exc.message,
            "fields": exc.fields,
            "components": exc.components,
        }
        return Status(422, body)
    return Status(200, _dossier_out(dossier, actor))


class WithdrawIn(Schema):
    reason: str = Field("", max_length=2000)


@router.post(
    "/dossiers/{code}/withdraw",
    auth=applicant_auth,
    response={200: DossierOut, 409: ErrorOut, **DENIALS},
    summary="Withdraw my dossier (until its result is approved); repeating it changes nothing",
)
def withdraw_dossier(request: HttpRequest, code: str, body: WithdrawIn) -> dict[str, Any]:
    actor = applicant_of(request)
    return _dossier_out(processing.withdraw_dossier(actor=actor, code=code, reason=body.reason), actor)


@router.post(
    "/dossier-status",
    response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="Public lookup of a dossier's status by its code and PIN (or the applicant's ID number)",
    description="The same 404 for a wrong code and a wrong number; no personal data; rate-limited.",
)
@public
def lookup_dossier(request: HttpRequest, body: LookupIn) -> Status[Any] | HttpResponse:
    try:
        status = lookup_selectors.throttled_public_status(
            ratelimit.client_address(request), body.code, body.factor
        )
    except lookup_selectors.LookupBlocked as exc:
        response = too_many_requests(request, exc.retry_after)  # with Retry-After
        return response
    except NotFound as exc:
        return Status(404, {"code": "not_found", "message": exc.message})
    return Status(200, vars(status))


# --- Officials ---------------------------------------------------------------------------------


class InboxRowOut(DossierSummaryOut):
    deadline: str  # overdue | due_soon | on_time | paused | none
    assignee: str  # the username of the official who took it, or ""


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
        request.auth,  # type: ignore[attr-defined]
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
            {**_dossier_summary(row.dossier), "deadline": row.deadline, "assignee": row.assignee}
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
    return _official_out(dossier_selectors.get_dossier(request.auth, code), request.auth)  # type: ignore[attr-defined]


def _official_out(dossier: Dossier, actor: RequestActor | None) -> dict[str, Any]:
    return {
        **_dossier_out(dossier, actor),
        "history": [vars(h) for h in dossier_presenters.dossier_history(dossier)],
    }


ACTION_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 409: ErrorOut, **DENIALS}


class SupplementItemIn(Schema):
    component: str | None = Field(None, max_length=64)
    field: str | None = Field(None, max_length=64)


class ResultIncompleteOut(ErrorOut):
    fields: dict[str, str]  # result field -> what is wrong


class DecisionIn(Schema):
    decision: Literal[
        "accept", "supplement", "refuse", "transfer", "propose", "send_back", "stop", "approve", "return"
    ]
    reason: str = Field("", max_length=4000)
    items: list[SupplementItemIn] = Field(default_factory=list, max_length=100)  # for "supplement"
    agency_code: str = Field("", max_length=64)  # for "transfer"
    result: dict[str, str] = Field(default_factory=dict)  # for "approve", when the result declares fields


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
    except processing.IncompleteResult as exc:
        return Status(422, {"code": "incomplete", "message": exc.message, "fields": exc.fields})
    return Status(200, _official_out(dossier, request.auth))  # type: ignore[attr-defined]


def _decide(request: HttpRequest, code: str, body: DecisionIn, items: list[dict[str, str]]) -> Dossier:
    return processing.decide(
        actor=request.auth,  # type: ignore[attr-defined]
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
    dossier = processing.claim_dossier(actor=request.auth, code=code)  # type: ignore[attr-defined]
    return _official_out(dossier, request.auth)  # type: ignore[attr-defined]


class ClaimManyIn(Schema):
    codes: list[Annotated[str, Field(max_length=64)]] = Field(..., min_length=1, max_length=200)


class ClaimResultOut(Schema):
    code: str
    claimed: bool
    message: str


@router.post(
    "/claims",
    auth=official_auth,
    response={200: list[ClaimResultOut], **DENIALS},
    summary="Take several dossiers at once; each answer says whether it was taken, and why not",
)
def claim_many(request: HttpRequest, body: ClaimManyIn) -> list[dict[str, Any]]:
    results = processing.claim_dossiers(actor=request.auth, codes=body.codes)  # type: ignore[attr-defined]
    return [vars(r) for r in results]


class AssignIn(Schema):
    user_id: int | None = Field(None, ge=1, le=2**31 - 1)  # None frees the dossier


@router.post(
    "/inbox/{code}/assignee",
    auth=official_auth,
    response={200: OfficialDossierOut, **ACTION_ERRORS},
    summary="Assign the current step to an official holding its role at the agency (leaders, admins)",
)
def assign(request: HttpRequest, code: str, body: AssignIn) -> dict[str, Any]:
    dossier = processing.assign_dossier(actor=request.auth, code=code, user_id=body.user_id)  # type: ignore[attr-defined]
    return _official_out(dossier, request.auth)  # type: ignore[attr-defined]


class ApologyIn(Schema):
    reason: str = Field(..., max_length=4000)
    new_due_on: datetime.date


@router.post(
    "/inbox/{code}/apology",
    auth=agency_auth,
    response={200: OfficialDossierOut, **ACTION_ERRORS},
    summary="Issue the apology letter with a new appointment date (form 04) for a late dossier",
)
def apology(request: HttpRequest, code: str, body: ApologyIn) -> dict[str, Any]:
    dossier = processing.issue_apology(
        actor=request.auth,  # type: ignore[attr-defined]
        code=code,
        reason=body.reason,
        new_due_on=body.new_due_on,
    )
    return _official_out(dossier, request.auth)  # type: ignore[attr-defined]


@router.get(
    "/inbox/{code}/files/{file_id}",
    auth=agency_auth,
    response={200: None, **DENIALS},
    summary="A scan or upload of a dossier of my scope (always as an attachment)",
)
def official_dossier_file(request: HttpRequest, code: str, file_id: str) -> FileResponse:
    stored = dossier_selectors.get_dossier_file(request.auth, code, file_id)  # type: ignore[attr-defined]
    return file_response(stored.storage_name, stored.content_type, stored.original_name)


# --- Counter and post --------------------------------------------------------------------------


class CounterDossierIn(Schema):
    key: str = Field(
        max_length=64, description="A UUID the client chooses; sent again, it returns the same dossier"
    )
    procedure: str = Field(max_length=64, description="The procedure's code")
    channel: str = Field(max_length=16, description="counter | post")
    agency: str = Field(
        "", max_length=64, description="The agency received for (may be left out by an officer of one)"
    )
    commune_code: str = Field(
        "", max_length=16, description="For a province agency: the commune where the person applies"
    )
    personal_id: str = Field(
        max_length=32, description="The person's 12-digit personal ID number, as on their ID card"
    )
    full_name: str = Field(max_length=200, description="As on the ID card")
    birth_date: str = Field(max_length=32, description="YYYY-MM-DD or DD/MM/YYYY, as on the ID card")
    identity_check: str = Field(max_length=32, description="chip_card | paper_id (counter), post_copy (post)")
    entries: str = Field(
        "{}", max_length=MAX_TEXT, description="The form values, a JSON object as in PUT /drafts/{id}/entries"
    )
    scan_components: list[Annotated[str, Field(max_length=64)]] = Field(
        [], max_length=10, description="The component of each file in `scans`, in order (at most 10 files)"
    )


class CounterIncompleteOut(IncompleteOut):
    person: dict[str, str]  # personal_id, full_name, birth_date, identity_check, commune_code -> problem


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
    except (ValueError, RecursionError):  # not JSON, or nested beyond what the parser follows
        entries = None
    if not isinstance(entries, dict):
        return Status(400, {"code": "invalid_input", "message": _("The entries must be a JSON object.")})
    try:
        dossier = counter.receive_at_counter(
            actor=official_of(request),
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
    return Status(201, _official_out(dossier, request.auth))  # type: ignore[attr-defined]


# --- Reuse from the data wallet -------------------------------------------------------------------


class WalletChoiceOut(Schema):
    id: str  # the wallet document's id
    title: str
    issuer: str
    issued_on: datetime.date | None
    validity: str  # valid | expired | revoked: only valid ones can be taken
    validity_label: str
    usable: bool
    chosen: bool


class WalletUseIn(Schema):
    item: str = Field(..., max_length=64)  # a wallet document's id (GET .../wallet)


def _component_result_type(draft: Draft, component_id: str) -> str:
    for component in draft.procedure.spec.get("components", []):
        if str(component["id"]) == component_id:
            return str(component.get("result_type", ""))
    raise NotFound(_("No such component."))


@router.get(
    "/drafts/{draft_id}/components/{component_id}/wallet",
    auth=applicant_auth,
    response={200: list[WalletChoiceOut], **DENIALS},
    summary="The documents of the applicant's data wallet this component could take",
)
def wallet_choices(request: HttpRequest, draft_id: str, component_id: str) -> list[dict[str, Any]]:
    actor = applicant_of(request)
    draft = draft_selectors.get_draft(actor, draft_id)
    result_type = _component_result_type(draft, component_id)
    chosen = str(draft.components.get(component_id, {}).get("wallet_item", ""))
    return [vars(choice) for choice in draft_presenters.wallet_choices(actor, draft, result_type, chosen)]


@router.post(
    "/drafts/{draft_id}/components/{component_id}/wallet",
    auth=applicant_auth,
    response={200: DraftOut, 400: ErrorOut, 409: ErrorOut, **DENIALS},
    summary="Take a document from the data wallet for this component, instead of an upload",
    description=(
        "Only a component naming a `result_type` (kind `wallet`) takes one, and only a document of the "
        "draft's applicant of that type. 409 `document_revoked` or `document_expired`: the document can "
        "no longer be used. The draft is unchanged on any error; submission checks the document again."
    ),
)
def use_wallet_item(
    request: HttpRequest, draft_id: str, component_id: str, body: WalletUseIn
) -> dict[str, Any]:
    draft = services.use_wallet_item(
        actor=applicant_of(request), public_id=draft_id, component_id=component_id, item_public_id=body.item
    )
    return _draft_out(draft)
