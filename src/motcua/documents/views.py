"""Upload and download pages for the applicant's files, downloads of signed results, and the
public verifier. Downloads are access-checked through the selectors and always served as
attachments in a sandbox, never rendered inline."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, NotFound
from motcua.core.middleware import too_many_requests
from motcua.documents import pdf_safety, selectors, services, storage, verification
from motcua.documents.models import ResultDocument
from motcua.identity.actors import ApplicantActor, actor_for
from motcua.identity.permissions import applicant_required, public

DOWNLOAD_POLICY = "sandbox; default-src 'none'"


@applicant_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    assert isinstance(actor, ApplicantActor)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("identity:my-space")
    try:
        stored = services.upload_file(
            actor=actor,
            chunks=uploaded.chunks(),
            file_name=uploaded.name or "",
            declared_size=uploaded.size,
            owner_public_id=request.POST.get("owner", ""),
        )
    except NotFound:
        raise  # the site's error page (core.middleware.DomainErrorMiddleware)
    except MotcuaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file is uploaded."))
        if stored.removed_content:
            messages.warning(request, pdf_safety.removal_notice(stored.removed_content))
    return redirect("identity:my-space")


@applicant_required
def download(request: HttpRequest, public_id: str) -> FileResponse:
    stored = selectors.get_file(actor_for(request), public_id)
    return file_response(stored.storage_name, stored.content_type, stored.original_name)


def file_response(storage_name: str, content_type: str, file_name: str) -> FileResponse:
    try:
        handle = storage.open_stored(storage_name)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=file_name, content_type=content_type)
    size = getattr(handle, "size", None)  # an object storage's stream says its size
    if size and not response.has_header("Content-Length"):
        response.headers["Content-Length"] = str(size)
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _result_response(found: QuerySet[ResultDocument], public_id: str) -> FileResponse:
    key = selectors.parse_uuid(public_id)
    result = found.filter(public_id=key).select_related("file").first() if key else None
    if result is None:
        raise Http404
    return file_response(result.file.storage_name, result.file.content_type, result.file.original_name)


@applicant_required
def result_file(request: HttpRequest, public_id: str) -> FileResponse:
    """The signed PDF of a result, for its holder (or whoever acts for them)."""
    return _result_response(selectors.results_of(actor_for(request)), public_id)


@public
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone verifies a result: an uploaded PDF, or the number and check code of its QR code."""
    report = None
    error = ""
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            error = _("Choose the PDF file to verify.")
        else:
            try:
                report = verification.verify_upload(
                    storage.read_limited(uploaded.chunks(), declared_size=uploaded.size)
                )
            except (storage.UploadRejected, pdf_safety.PdfRefused) as exc:
                error = exc.message
    elif request.GET.get("so") or request.GET.get("ma"):
        try:
            report = verification.lookup_throttled(
                ratelimit.client_address(request), request.GET.get("so", ""), request.GET.get("ma", "")
            )
        except selectors.LookupBlocked as exc:
            return too_many_requests(request, exc.retry_after)
        except NotFound as exc:
            error = exc.message
    return render(
        request,
        "documents/verify.html",
        {
            "report": report,
            "error": error,
            "message": verification.VERDICT_TEXT[report.verdict] if report else "",
        },
        status=404 if error and request.method == "GET" else (400 if error else 200),
    )
