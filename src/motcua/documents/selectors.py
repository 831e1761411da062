"""Reads of stored files, scoped to the actor: an applicant sees the files of everyone they may
act for (themself and those they represent). Officials will see a file through the dossier
it is attached to (dossiers app); until then, no official reads applicants' files."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from motcua.core.errors import NotFound
from motcua.documents.models import StoredFile
from motcua.identity import selectors as identity
from motcua.identity.actors import ApplicantActor, RequestActor


def files_of(actor: RequestActor | None) -> QuerySet[StoredFile]:
    if not isinstance(actor, ApplicantActor):
        return StoredFile.objects.none()
    owners = [applicant.pk for applicant in identity.applicants_actor_may_act_for(actor)]
    return (
        StoredFile.objects.filter(owner_id__in=owners).select_related("owner").order_by("-created_at", "-id")
    )


def get_file(actor: RequestActor | None, public_id: uuid.UUID | str) -> StoredFile:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("No such file.") from None
    stored = files_of(actor).filter(public_id=key).first()
    if stored is None:
        raise NotFound("No such file.")
    return stored
