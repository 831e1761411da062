"""The applicant's API: their drafts (consent, prefill, entries, uploads, documents from the data
wallet), submission, interconnected applications, and their dossiers (supplement, withdrawal),
with the permissions of the pages (the applicant's own drafts and dossiers).

A draft's representation carries its components (with the consent preview for data components:
what, from where, why, under which legal basis), the data fetched for it marked with its source,
and the form fields with their values and whether a registry filled them.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from motcua.api.errors import DENIALS, ErrorOut
from motcua.catalog.selectors import definition
from motcua.core.errors import NotFound
from motcua.dossiers.api.applicant_schemas import (
    SUPPLEMENT_BODY,
    BundleApplicationOut,
    BundleDraftIn,
    ConsentIn,
    DraftIn,
    DraftOut,
    DraftSummaryOut,
    EntriesIn,
    RetryIn,
    SupplementIncompleteOut,
    WalletChoiceOut,
    WalletUseIn,
    WithdrawIn,
)
from motcua.dossiers.api.schemas import (
    DossierOut,
    DossierSummaryOut,
    IncompleteOut,
    dossier_out,
    dossier_summary,
)
from motcua.dossiers.models import BundleApplication, Draft
from motcua.dossiers.presenters import bundles as bundle_presenters
from motcua.dossiers.presenters import drafts as draft_presenters
from motcua.dossiers.selectors import bundles as bundle_selectors
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import drafts as draft_selectors
from motcua.dossiers.services import bundles as bundle_services
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import submission as submission_services
from motcua.dossiers.services import supplement as supplement_services
from motcua.identity.permissions import (
    applicant_auth,
    applicant_of,
)

router = Router()  # tagged "dossiers" where mounted (api/__init__.py)


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
    draft = draft_services.start_draft(
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
    draft_services.discard_draft(actor=applicant_of(request), public_id=draft_id)
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
    draft = draft_services.give_consent(
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
        draft_services.retry_pull(actor=applicant_of(request), public_id=draft_id, component_ids=components)
    )


@router.put(
    "/drafts/{draft_id}/entries",
    auth=applicant_auth,
    response={200: DraftOut, **DENIALS},
    summary="Save form values (kept even when invalid; each field's error is in the answer)",
)
def save_entries(request: HttpRequest, draft_id: str, body: EntriesIn) -> dict[str, Any]:
    draft, errors = draft_services.save_entries(
        actor=applicant_of(request), public_id=draft_id, values=body.values
    )
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
    draft = draft_services.upload_component(
        actor=applicant_of(request),
        public_id=draft_id,
        component_id=component_id,
        chunks=file.chunks(),
        file_name=file.name or "tep-tin",
        size=file.size,
    )
    return _draft_out(draft)


@router.post(
    "/drafts/{draft_id}/submit",
    auth=applicant_auth,
    response={201: DossierOut, 400: ErrorOut, 422: IncompleteOut, **DENIALS},
    summary="Submit a complete draft: the dossier gets its code, receipt and appointment date",
    description="422 lists every missing or invalid field and component; the draft is kept as it was.",
)
def submit_draft(request: HttpRequest, draft_id: str) -> Status[dict[str, Any]]:
    try:
        dossier = submission_services.submit_draft(actor=applicant_of(request), public_id=draft_id)
    except submission_services.IncompleteDossier as exc:
        body = {
            "code": "incomplete",
            "message": exc.message,
            "fields": exc.fields,
            "components": exc.components,
        }
        return Status(422, body)
    return Status(201, dossier_out(dossier, applicant_of(request)))


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
    draft = bundle_services.start_bundle_draft(
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
    return [dossier_summary(dossier) for dossier in dossier_selectors.dossiers_of(applicant_of(request))]


@router.get(
    "/dossiers/{code}",
    auth=applicant_auth,
    response={200: DossierOut, **DENIALS},
    summary="One of my dossiers: status, dates, components with their provenance, form values",
)
def get_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    actor = applicant_of(request)
    return dossier_out(dossier_selectors.get_dossier(actor, code), actor)


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
            files[name] = supplement_services.SupplementFile(
                chunks=upload.chunks(), file_name=upload.name or "", size=upload.size
            )
    actor = applicant_of(request)
    try:
        dossier = supplement_services.supplement_dossier(actor=actor, code=code, entries=values, files=files)
    except supplement_services.IncompleteSupplement as exc:
        body = {
            "code": "incomplete",
            "message": exc.message,
            "fields": exc.fields,
            "components": exc.components,
        }
        return Status(422, body)
    return Status(200, dossier_out(dossier, actor))


@router.post(
    "/dossiers/{code}/withdraw",
    auth=applicant_auth,
    response={200: DossierOut, 409: ErrorOut, **DENIALS},
    summary="Withdraw my dossier (until its result is approved); repeating it changes nothing",
)
def withdraw_dossier(request: HttpRequest, code: str, body: WithdrawIn) -> dict[str, Any]:
    actor = applicant_of(request)
    return dossier_out(
        supplement_services.withdraw_dossier(actor=actor, code=code, reason=body.reason), actor
    )


def _component_result_type(draft: Draft, component_id: str) -> str:
    component = definition(draft.procedure).component(component_id)
    if component is None:
        raise NotFound(_("No such component."))
    return component.result_type


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
    draft = draft_services.use_wallet_item(
        actor=applicant_of(request), public_id=draft_id, component_id=component_id, item_public_id=body.item
    )
    return _draft_out(draft)
