"""REST API for the applicant's files: upload (multipart) and download, access-checked."""

from __future__ import annotations

import datetime

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.api.errors import DENIALS, ErrorOut
from motcua.documents import selectors, services
from motcua.documents.models import StoredFile
from motcua.documents.views import file_response
from motcua.identity.actors import ApplicantActor
from motcua.identity.permissions import applicant_auth

router = Router(tags=["documents"])


class FileOut(Schema):
    id: str
    owner: str
    name: str
    content_type: str
    size: int
    sha256: str
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


def _actor(request: HttpRequest) -> ApplicantActor:
    actor = request.auth  # type: ignore[attr-defined]
    assert isinstance(actor, ApplicantActor)
    return actor


@router.get("/files", auth=applicant_auth, response={200: list[FileOut], **DENIALS}, summary="Your files")
def list_files(request: HttpRequest) -> list[StoredFile]:
    return list(selectors.files_of(_actor(request))[:200])


@router.post(
    "/files",
    auth=applicant_auth,
    response={201: FileOut, 400: ErrorOut, **DENIALS},
    summary="Upload a PDF, PNG or JPEG file (checked by content, size-limited)",
)
def upload_file(request: HttpRequest, file: File[UploadedFile], owner: Form[str] = "") -> Status[StoredFile]:
    stored = services.upload_file(
        actor=_actor(request),
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
    stored = selectors.get_file(_actor(request), file_id)
    return file_response(stored.storage_name, stored.content_type, stored.original_name)
