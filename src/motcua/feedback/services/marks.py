"""Marks on published answers: useful or not, one per reader (changeable, never doubled), with
the counts kept on the petition and the ``feedback.answer_marked`` event (766 indicator 5.3
counts an answer with more "not useful" than "useful" marks as unsatisfied). The pages and the
API limit how fast one address may mark (``core.ratelimit``)."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.core.actors import Actor
from motcua.core.services import record_change
from motcua.feedback.events import FeedbackEvent, FeedbackSubject
from motcua.feedback.models import AnswerMark, Petition, PetitionStatus
from motcua.feedback.selectors.petitions import get_published


def voter_key(kind: str, value: str) -> str:
    """The stored key of one reader: the hash of an applicant's id or of a browser's session."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


@transaction.atomic
def mark_answer(*, actor: Actor, code: str, voter: str, useful: bool) -> Petition:
    petition = get_published(code)
    petition = Petition.objects.select_for_update().get(pk=petition.pk, status=PetitionStatus.PUBLISHED)
    mark = AnswerMark.objects.select_for_update().filter(petition=petition, voter_sha256=voter).first()
    if mark is not None and mark.useful == useful:
        return petition  # the same mark again: nothing changes
    if mark is None:
        AnswerMark.objects.create(petition=petition, voter_sha256=voter, useful=useful)
        added, removed = ("useful_count", None) if useful else ("not_useful_count", None)
    else:
        mark.useful, mark.marked_at = useful, timezone.now()
        mark.save(update_fields=["useful", "marked_at"])
        added, removed = (
            ("useful_count", "not_useful_count") if useful else ("not_useful_count", "useful_count")
        )
    updates = {added: F(added) + 1}
    if removed:
        updates[removed] = F(removed) - 1
    Petition.objects.filter(pk=petition.pk).update(**updates)
    petition.refresh_from_db(fields=["useful_count", "not_useful_count"])
    record_change(
        actor=actor,
        type=FeedbackEvent.ANSWER_MARKED,
        subject_type=FeedbackSubject.PETITION,
        subject_id=petition.code,
        agency_code=petition.agency_code,
        unit_code=petition.unit_code,
        changes={"useful": [None if mark is None else not useful, useful]},
        payload={
            "petition_id": petition.pk,
            "useful": useful,
            "useful_count": petition.useful_count,
            "not_useful_count": petition.not_useful_count,
        },
    )
    return petition
