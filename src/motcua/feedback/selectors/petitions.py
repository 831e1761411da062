"""Reads of petitions: the petitioner's own (signed in), the officials' inbox (the agencies in
their scope, with counts and deadline flags), and the published answers (anyone: the masked
copy only)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import NotFound
from motcua.core.text import fold_vietnamese
from motcua.documents.models import StoredFile
from motcua.feedback.models import OPEN_PETITION_STATUSES, Petition, PetitionScan, PetitionStatus
from motcua.identity import selectors as identity
from motcua.identity.actors import AgencyActor, ApplicantActor, RequestActor


def own_petitions(actor: RequestActor | None) -> QuerySet[Petition]:
    if not isinstance(actor, ApplicantActor):
        return Petition.objects.none()
    return Petition.objects.filter(applicant_id=actor.applicant_id).order_by("-received_at", "-id")


def petitions_of(actor: RequestActor | None) -> QuerySet[Petition]:
    """The petitions of the agencies in an official's (or agency system's) scope."""
    if not isinstance(actor, AgencyActor):
        return Petition.objects.none()
    codes = identity.visible_agencies(actor).values("code")
    return Petition.objects.filter(agency_code__in=codes).select_related("procedure")


def get_petition(actor: RequestActor | None, code: str) -> Petition:
    """An official's petition in scope, or an applicant's own."""
    found = (petitions_of(actor) if isinstance(actor, AgencyActor) else own_petitions(actor)).filter(
        code=code
    )
    petition = found.first()
    if petition is None:
        raise NotFound(_("No such petition."))
    return petition


class Deadline(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"  # due today or on the next working day
    ON_TIME = "on_time"
    PAUSED = "paused"  # waiting for the petitioner
    NONE = "none"  # closed


def deadline_of(petition: Petition, today: datetime.date, soon: datetime.date) -> Deadline:
    if petition.status == PetitionStatus.INFO_REQUESTED:
        return Deadline.PAUSED
    if petition.status not in OPEN_PETITION_STATUSES or petition.due_on is None:
        return Deadline.NONE
    if petition.due_on < today:
        return Deadline.OVERDUE
    if petition.due_on <= soon:
        return Deadline.DUE_SOON
    return Deadline.ON_TIME


@dataclass(frozen=True)
class InboxRow:
    petition: Petition
    deadline: Deadline


@dataclass(frozen=True)
class Inbox:
    rows: list[InboxRow]
    counts: dict[str, int]  # by status, of every petition in scope
    overdue: int
    due_soon: int


def inbox(
    actor: RequestActor | None,
    *,
    status: str = "",
    deadline: str = "",
    today: datetime.date | None = None,
    limit: int = 100,
) -> Inbox:
    """The petitions in scope, open ones first and most urgent first, with the counts."""
    found = petitions_of(actor)
    day = today or timezone.localdate()
    soon = WorkingCalendar.current().add_working_days(day, 1)
    counts = {value: 0 for value in PetitionStatus.values}
    for value in found.values_list("status", flat=True):
        counts[value] += 1
    open_rows = found.filter(status__in=[PetitionStatus.RECEIVED, PetitionStatus.ANSWERED])
    overdue = open_rows.filter(due_on__lt=day).count()
    due_soon = open_rows.filter(due_on__gte=day, due_on__lte=soon).count()
    if status:
        found = found.filter(status=status)
    if deadline == Deadline.OVERDUE:
        found = found.filter(status__in=[PetitionStatus.RECEIVED, PetitionStatus.ANSWERED], due_on__lt=day)
    elif deadline == Deadline.DUE_SOON:
        found = found.filter(
            status__in=[PetitionStatus.RECEIVED, PetitionStatus.ANSWERED], due_on__gte=day, due_on__lte=soon
        )
    rows = [
        InboxRow(petition=p, deadline=deadline_of(p, day, soon))
        for p in found.order_by("due_on", "received_at", "id")[:limit]
    ]
    order = {
        Deadline.OVERDUE: 0,
        Deadline.DUE_SOON: 1,
        Deadline.ON_TIME: 2,
        Deadline.PAUSED: 3,
        Deadline.NONE: 4,
    }
    rows.sort(key=lambda row: order[row.deadline])
    return Inbox(rows=rows, counts=counts, overdue=overdue, due_soon=due_soon)


SEARCHED = ("id", "public_subject", "public_content", "public_answer")


def published_answers(
    *, query: str = "", procedure_code: str = "", agency_code: str = ""
) -> QuerySet[Petition]:
    """The published answers, newest first, searchable by words, procedure and agency."""
    found = Petition.objects.filter(status=PetitionStatus.PUBLISHED).select_related("procedure")
    if procedure_code:
        found = found.filter(procedure__code=procedure_code)
    if agency_code:
        found = found.filter(agency_code=agency_code)
    words = fold_vietnamese(query).split()[:8]
    if words:
        matched = [
            p.pk
            for p in found.select_related(None).only(
                "id", "public_subject", "public_content", "public_answer"
            )[:2000]
            if all(
                w in fold_vietnamese(f"{p.public_subject} {p.public_content} {p.public_answer}")
                for w in words
            )
        ]
        found = found.filter(pk__in=matched)
    return found.order_by("-published_at", "-id")


def get_published(code: str) -> Petition:
    petition = (
        Petition.objects.filter(code=code, status=PetitionStatus.PUBLISHED)
        .select_related("procedure")
        .first()
    )
    if petition is None:
        raise NotFound(_("No such published answer."))
    return petition


def repeats_of(petition: Petition) -> QuerySet[Petition]:
    """The published petitions linked to this one as the same matter (either way)."""
    root = petition.repeat_of_id or petition.pk
    return Petition.objects.filter(
        Q(pk=root) | Q(repeat_of_id=root), status=PetitionStatus.PUBLISHED
    ).exclude(pk=petition.pk)


def linked_answer(petition: Petition) -> Petition | None:
    """The published answer of the earlier petition this one repeats (linked automatically or by
    an official), which the public page shows with it."""
    if petition.repeat_of_id is None:
        return None
    return Petition.objects.filter(pk=petition.repeat_of_id, status=PetitionStatus.PUBLISHED).first()


def get_petition_file(
    actor: RequestActor | None, code: str, file_public_id: str
) -> StoredFile | PetitionScan:
    """A file attached to a petition in the official's scope (the petitioner's upload, or the
    scan of a letter the official who entered it kept)."""
    petition = get_petition(actor, code) if isinstance(actor, AgencyActor) else None
    if petition is None:
        raise NotFound(_("No such file."))
    scan = petition.scans.filter(public_id=file_public_id).first()
    if scan is not None:
        return scan
    if str(file_public_id) not in {str(key) for key in petition.attachments}:
        raise NotFound(_("No such file."))
    stored = StoredFile.objects.filter(public_id=file_public_id).first()
    if stored is None:
        raise NotFound(_("No such file."))
    return stored
