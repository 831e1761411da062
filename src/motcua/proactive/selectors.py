"""Reads of proactive offers, always scoped to the signed-in person (their personal ID number)."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.core.errors import NotFound
from motcua.identity.actors import ApplicantActor
from motcua.identity.models import Applicant
from motcua.proactive.models import Offer, OfferPreferences, OfferStatus


def personal_id_of(actor: ApplicantActor) -> str:
    return Applicant.objects.filter(pk=actor.applicant_id).values_list("personal_id", flat=True).first() or ""


def open_offers(actor: ApplicantActor) -> QuerySet[Offer]:
    """The person's open offers, newest first (none for an organisation)."""
    personal_id = personal_id_of(actor)
    if not personal_id:
        return Offer.objects.none()
    return Offer.objects.filter(recipient_personal_id=personal_id, status=OfferStatus.OPEN).select_related(
        "change"
    )


def get_offer(actor: ApplicantActor, public_id: str, *, for_update: bool = False) -> Offer:
    personal_id = personal_id_of(actor)
    offers = Offer.objects.select_for_update() if for_update else Offer.objects.all()
    try:
        offer = offers.filter(public_id=public_id, recipient_personal_id=personal_id).first()
    except Exception as exc:  # a malformed id
        raise NotFound("No such offer.") from exc
    if offer is None or not personal_id:
        raise NotFound("No such offer.")
    return offer


def preferences_of(actor: ApplicantActor) -> OfferPreferences:
    personal_id = personal_id_of(actor)
    return OfferPreferences.objects.filter(personal_id=personal_id).first() or OfferPreferences(
        personal_id=personal_id
    )
