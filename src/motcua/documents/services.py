"""Writes of stored files: check and keep an upload or a counter scan, with its audit row and event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.services import record_change
from motcua.core.types import EventKind
from motcua.documents import storage, verification
from motcua.documents.events import DocumentEvent, DocumentSubject
from motcua.documents.models import StoredFile
from motcua.identity import selectors as identity
from motcua.identity.actors import ApplicantActor, OfficialActor
from motcua.identity.models import Applicant


def upload_file(
    *,
    actor: ApplicantActor,
    chunks: Iterable[bytes],
    file_name: str,
    declared_size: int | None = None,
    owner_public_id: str = "",
    owner: Applicant | None = None,
) -> StoredFile:
    """Store an upload for the actor or for someone they act for (``owner_public_id``).

    ``owner``: the actor's own applicant row when the caller has it already loaded (instead of
    reading it again); never someone else's. The bytes are checked and written first; the row,
    audit entry and event then commit together. If that transaction fails, the bytes are removed
    again.
    """
    if owner is not None and (
        owner_public_id or owner.pk != actor.applicant_id or actor.acts_for_organisation
    ):
        raise ValueError("owner must be the actor's own applicant")
    if owner is None:
        owner = (
            identity.get_actable_applicant(actor, owner_public_id)
            if owner_public_id
            else identity.default_applicant(actor)
        )
    stored = storage.store(chunks, declared_size=declared_size)
    try:
        with transaction.atomic():
            record = _keep(
                actor=actor,
                type=DocumentEvent.FILE_UPLOADED,
                owner=owner,
                stored=stored,
                file_name=file_name,
                uploaded_by_id=actor.applicant_id,
            )
    except BaseException:
        storage.discard(stored.storage_name)
        raise
    return record


def _keep(
    *,
    actor: ApplicantActor | OfficialActor,
    type: EventKind,
    owner: Applicant,
    stored: storage.StoredBytes,
    file_name: str,
    **made_by: int,
) -> StoredFile:
    """The file's row and its audit record and event (in the caller's transaction). A PDF's own
    signatures are checked against the configured trust roots and the verdict kept with it."""
    record = StoredFile.objects.create(
        signature=signature_summary(stored),
        owner=owner,
        original_name=storage.clean_file_name(file_name),
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        original_sha256=stored.original_sha256,
        removed_content=list(stored.removed),
        storage_name=stored.storage_name,
        **made_by,
    )
    record_change(
        actor=actor,
        type=type,
        subject_type=DocumentSubject.FILE,
        subject_id=str(record.public_id),
        changes={
            "content_type": [None, stored.content_type],
            "size": [None, stored.size],
            # what was received and what is kept: the same unless a PDF was rewritten (ADR 0024)
            "original_sha256": [None, stored.original_sha256],
            "sha256": [None, stored.sha256],
            "removed_content": [None, list(stored.removed)],
        },
        payload={
            "owner": str(owner.public_id),
            "signature": record.signature.get("status", ""),
            "removed_content": list(stored.removed),
        },
    )
    return record


def signature_summary(stored: storage.StoredBytes) -> dict[str, Any]:
    """What ``verification`` finds of a stored PDF's signatures ({} for an image)."""
    if stored.content_type != "application/pdf":
        return {}
    data = storage.read_bytes(stored.storage_name)
    return {**verification.check_pdf(data).summary(), "checked_at": timezone.now().isoformat()}


def record_scan(
    *, actor: OfficialActor, owner: Applicant, stored: storage.StoredBytes, file_name: str
) -> StoredFile:
    """Keep a paper document a reception officer scanned at the counter (or from a dossier
    that came by post) as the file of ``owner``, in the caller's transaction.

    The bytes were checked and written by ``storage.store`` first; the caller discards them if
    its transaction fails. The caller has checked that the official may receive for the agency."""
    return _keep(
        actor=actor,
        type=DocumentEvent.FILE_SCANNED,
        owner=owner,
        stored=stored,
        file_name=file_name,
        scanned_by_id=actor.user_id,
    )
