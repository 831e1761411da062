"""REST API for the applicant's files (upload, download), signed results (applicants' and their
agencies'; revocation) and the public verifier (a PDF or the QR code's number and check code)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.api.errors import DENIALS, ErrorOut
from motcua.core import ratelimit
from motcua.core.errors import NotFound
from motcua.core.middleware import too_many_requests
from motcua.documents import pdf_safety, results, selectors, services, storage, verification
from motcua.documents.models import ResultDocument, StoredFile
from motcua.documents.views import file_response
from motcua.identity.actors import OfficialActor
from motcua.identity.permissions import (
    applicant_auth,
    applicant_of,
    official_auth,
    official_of,
    public,
    signed_in_actor_of,
    signed_in_auth,
)

router = Router(tags=["documents"])


class FileOut(Schema):
    id: str
    owner: str
    name: str
    content_type: str
    size: int
    sha256: str  # of the stored file
    original_sha256: str  # of the file as uploaded: differs when a PDF was rewritten
    # active content taken out of a PDF before it was kept (``javascript``, ``open_action``,
    # ``additional_actions``, ``data_actions``), and the sentence saying so in your language
    removed_content: list[str]
    notice: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_id(obj: StoredFile) -> str:
        return str(obj.public_id)

    @staticmethod
    def resolve_owner(obj: StoredFile) -> str:
        return str(obj.owner.public_id)

    @staticmethod
    def resolve_name(obj: StoredFile) -> str:
        return obj.original_name

    @staticmethod
    def resolve_notice(obj: StoredFile) -> str:
        return pdf_safety.removal_notice(obj.removed_content)


@router.get("/files", auth=applicant_auth, response={200: list[FileOut], **DENIALS}, summary="Your files")
def list_files(request: HttpRequest) -> list[StoredFile]:
    return list(selectors.files_of(applicant_of(request))[:200])


@router.post(
    "/files",
    auth=applicant_auth,
    response={201: FileOut, 400: ErrorOut, **DENIALS},
    summary="Upload a PDF, PNG or JPEG file (checked by content, size-limited)",
    description=(
        "A PDF is checked before it is kept (ADR 0024): one past the bounds (pages, objects, "
        "decompressed size), protected by a password, damaged, or holding a Launch action, embedded "
        "files, an XFA form or multimedia is refused with 400 `pdf_refused` and a message naming what "
        "it holds. JavaScript, an OpenAction, additional actions and form-submission actions are "
        "removed from an unsigned PDF (`removed_content`, `notice`; `original_sha256` is then the "
        "upload's hash); a signed PDF is never rewritten and is refused if it holds them."
    ),
)
def upload_file(request: HttpRequest, file: File[UploadedFile], owner: Form[str] = "") -> Status[StoredFile]:
    stored = services.upload_file(
        actor=applicant_of(request),
        chunks=file.chunks(),
        file_name=file.name or "",
        declared_size=file.size,
        owner_public_id=owner,
    )
    return Status(201, stored)


@router.get(
    "/files/{file_id}",
    auth=applicant_auth,
    response={200: None, **DENIALS},
    summary="Download a file (always as an attachment)",
)
def download_file(request: HttpRequest, file_id: str) -> FileResponse:
    stored = selectors.get_file(applicant_of(request), file_id)
    return file_response(stored.storage_name, stored.content_type, stored.original_name)


# --- Signed results ------------------------------------------------------------------------------


class ResultOut(Schema):
    id: str
    number: str
    title: str
    result_type: str
    dossier: str
    issuer_code: str
    issuer: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    signed_at: datetime.datetime
    certificate_subject: str
    status: str  # valid | revoked
    revoked_at: datetime.datetime | None
    revocation_reason: str
    file: str  # the signed PDF: GET /results/{id}/file
    verify_url: str

    @staticmethod
    def resolve_id(obj: ResultDocument) -> str:
        return str(obj.public_id)

    @staticmethod
    def resolve_dossier(obj: ResultDocument) -> str:
        return obj.dossier.code

    @staticmethod
    def resolve_issuer_code(obj: ResultDocument) -> str:
        return obj.agency_code

    @staticmethod
    def resolve_issuer(obj: ResultDocument) -> str:
        return obj.agency_name

    @staticmethod
    def resolve_status(obj: ResultDocument) -> str:
        return "revoked" if obj.is_revoked else "valid"

    @staticmethod
    def resolve_file(obj: ResultDocument) -> str:
        return f"/api/v1/results/{obj.public_id}/file"

    @staticmethod
    def resolve_verify_url(obj: ResultDocument) -> str:
        return results.verify_url(obj.number, obj.check_code)


def _results_for(request: HttpRequest) -> QuerySet[ResultDocument]:
    actor = signed_in_actor_of(request)
    if isinstance(actor, OfficialActor):
        return selectors.results_issued_by(actor)
    return selectors.results_of(actor)


def _result_for(request: HttpRequest, result_id: str) -> ResultDocument:
    key = selectors.parse_uuid(result_id)
    found = _results_for(request).filter(public_id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such result."))
    return found


@router.get(
    "/results",
    auth=signed_in_auth,
    response={200: list[ResultOut], **DENIALS},
    summary="Signed results: issued to you (applicant) or by your agencies (official), newest first",
)
def list_results(request: HttpRequest) -> list[ResultDocument]:
    return list(_results_for(request)[:200])


@router.get(
    "/results/{result_id}",
    auth=signed_in_auth,
    response={200: ResultOut, **DENIALS},
    summary="One signed result",
)
def get_result(request: HttpRequest, result_id: str) -> ResultDocument:
    return _result_for(request, result_id)


@router.get(
    "/results/{result_id}/file",
    auth=signed_in_auth,
    response={200: None, **DENIALS},
    summary="The signed PDF/A, byte for byte as issued",
)
def download_result(request: HttpRequest, result_id: str) -> FileResponse:
    found = _result_for(request, result_id)
    return file_response(found.file.storage_name, found.file.content_type, found.file.original_name)


class RevocationIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)


@router.post(
    "/results/{result_id}/revocation",
    auth=official_auth,
    response={200: ResultOut, 400: ErrorOut, **DENIALS},
    summary="Revoke a result your agency issued (leader or agency administrator), with the reason",
    description=(
        "The verifier then reports the document as revoked, with the reason. Revoking again changes nothing."
    ),
)
def revoke_result(request: HttpRequest, result_id: str, body: RevocationIn) -> ResultDocument:
    return results.revoke_result(actor=official_of(request), public_id=result_id, reason=body.reason)


# --- The public verifier ---------------------------------------------------------------------------


class SignatureOut(Schema):
    verdict: str
    signer: str
    signer_organisation: str
    signed_at: datetime.datetime | None
    timestamped: bool
    long_term: bool
    reasons: list[str]


class ResultFactsOut(Schema):
    number: str
    title: str
    issuer: str
    issued_on: datetime.date
    holder_initials: str
    revoked: bool
    revoked_at: datetime.datetime | None
    revocation_reason: str
    valid_until: datetime.date | None


class VerificationOut(Schema):
    verdict: str  # valid | invalid | untrusted | revoked | unsigned | unreadable
    message: str
    result: ResultFactsOut | None
    signatures: list[SignatureOut]


def _report_out(report: verification.PublicReport) -> dict[str, Any]:
    return {
        "verdict": str(report.verdict),
        "message": str(verification.VERDICT_TEXT[report.verdict]),
        "result": report.result,
        "signatures": list(report.signatures),
    }


@router.post(
    "/verify",
    auth=None,
    response={200: VerificationOut, 400: ErrorOut, 429: ErrorOut},
    summary="Verify a PDF: its signatures against the national trust roots, and the result's record",
    description=(
        "Anyone may call this, without signing in. The verdict is `valid`, `invalid` (changed after "
        "signing, or a broken signature), `untrusted` (not signed under a trusted root), `revoked` (the "
        "issuing agency revoked the result, or the signer's certificate is revoked), `unsigned` or "
        "`unreadable`. For a result the platform issued, `result` gives its number, issuer, date and the "
        "holder's initials. A PDF past the bounds (pages, objects, decompressed size) is refused with "
        "400 `pdf_refused` before its signatures are read."
    ),
)
@public
def verify_file(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    return _report_out(
        verification.verify_upload(storage.read_limited(file.chunks(), declared_size=file.size))
    )


@router.get(
    "/verify",
    auth=None,
    response={200: VerificationOut, 404: ErrorOut, 429: ErrorOut},
    summary="Look up a result by the number and check code printed in its QR code",
)
@public
def verify_number(
    request: HttpRequest,
    number: str = Query(..., max_length=80),  # type: ignore[type-arg]
    code: str = Query(..., max_length=12),  # type: ignore[type-arg]
) -> Any:
    try:
        return _report_out(verification.lookup_throttled(ratelimit.client_address(request), number, code))
    except selectors.LookupBlocked as exc:
        return too_many_requests(request, exc.retry_after)
