"""Upload and download pages for the applicant's files. Downloads are access-checked through
the selectors and always served as attachments in a sandbox, never rendered inline."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import MotcuaError, NotFound
from motcua.documents import selectors, services, storage
from motcua.identity.actors import ApplicantActor, actor_for
from motcua.identity.permissions import applicant_required

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
        services.upload_file(
            actor=actor,
            chunks=uploaded.chunks(),
            file_name=uploaded.name or "",
            declared_size=uploaded.size,
            owner_public_id=request.POST.get("owner", ""),
        )
    except NotFound:
        raise Http404 from None
    except MotcuaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file is uploaded."))
    return redirect("identity:my-space")


@applicant_required
def download(request: HttpRequest, public_id: str) -> FileResponse:
    try:
        stored = selectors.get_file(actor_for(request), public_id)
    except NotFound:
        raise Http404 from None
    return file_response(stored.storage_name, stored.content_type, stored.original_name)


def file_response(storage_name: str, content_type: str, file_name: str) -> FileResponse:
    try:
        handle = storage.path_of(storage_name).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=file_name, content_type=content_type)
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response
