"""Repeated complaints linked by hand. Beyond the automatic rule (the same petitioner on the same
matter, ``routing.repeat_of``), an official who handles a petition links it to an earlier one on
the same matter as a repeat, or removes a link (the automatic one too), within what they may see.

Links stay one level deep: a petition is linked to the first of its matter (the earlier one's own
``repeat_of`` if it has one), and the petitions that repeated it move along. Every change is
audited and emits ``feedback.repeat_linked`` (``petition_id``, ``repeat_of``, ``previous``,
``moved``), so the 766 index's count of repeats (indicator 5.3) can follow."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.inputs import InvalidText
from motcua.core.services import record_change
from motcua.feedback.events import FeedbackEvent, FeedbackSubject
from motcua.feedback.models import Petition
from motcua.feedback.selectors.petitions import petitions_of
from motcua.feedback.services.petitions import HANDLING_ROLES, _handled
from motcua.identity.actors import OfficialActor


def _record(actor: OfficialActor, petition: Petition, previous: Petition | None, moved: list[int]) -> None:
    record_change(
        actor=actor,
        type=FeedbackEvent.REPEAT_LINKED,
        subject_type=FeedbackSubject.PETITION,
        subject_id=petition.code,
        agency_code=petition.agency_code,
        unit_code=petition.unit_code,
        changes={
            "repeat_of": [
                previous.code if previous else None,
                petition.repeat_of.code if petition.repeat_of else None,
            ]
        },
        payload={
            "petition_id": petition.pk,
            "repeat_of": petition.repeat_of_id,
            "previous": previous.pk if previous else None,
            "moved": moved,
        },
    )


@transaction.atomic
def link_repeat(*, actor: OfficialActor, code: str, earlier_code: str) -> Petition:
    """Link petition ``code`` (of an agency where the official handles petitions) to the earlier
    petition ``earlier_code`` (one they may see) as a repeat of the same matter."""
    petition = _handled(actor, code, *HANDLING_ROLES)
    earlier = (
        petitions_of(actor)
        .select_related("repeat_of")
        .filter(code=(earlier_code or "").strip().upper())
        .first()
    )
    if earlier is None or earlier.pk == petition.pk:
        raise InvalidText({"repeat_of": _("Give the code of an earlier petition of your agencies.")})
    root = earlier.repeat_of or earlier
    if root.pk == petition.pk or root.received_at > petition.received_at:
        raise InvalidText({"repeat_of": _("Link a petition only to one received before it.")})
    previous = petition.repeat_of
    if previous is not None and previous.pk == root.pk:
        return petition
    petition.repeat_of, petition.repeat_linked_by_id = root, actor.user_id
    petition.save(update_fields=["repeat_of", "repeat_linked_by"])
    # the petitions that repeated this one now repeat the first of the matter
    moved = list(Petition.objects.filter(repeat_of=petition).values_list("id", flat=True))
    Petition.objects.filter(pk__in=moved).update(repeat_of=root)
    _record(actor, petition, previous, moved)
    return petition


@transaction.atomic
def unlink_repeat(*, actor: OfficialActor, code: str) -> Petition:
    """Remove petition ``code``'s link to an earlier one (made by hand or by the automatic rule)."""
    petition = _handled(actor, code, *HANDLING_ROLES)
    previous = petition.repeat_of
    if previous is None:
        return petition
    petition.repeat_of, petition.repeat_linked_by_id = None, actor.user_id
    petition.save(update_fields=["repeat_of", "repeat_linked_by"])
    _record(actor, petition, previous, [])
    return petition
