"""Writes of a petitioner's contact when they are not signed in (ADR 0058).

A petition sent without an account carries a contact (an e-mail address, a phone number or both).
The petitioner, holding the petition's code and key, asks for the petition's news on one of those
channels: a six-digit code is sent there (the same code, limits and audit as a person's addresses,
ADR 0049), and once it is typed back the address receives every step's notification of that
petition, and of no other, including the steps already taken (caught up at verification). The
address is never typed again here: only the one given with the petition can be verified, so the
key does not let anyone point the platform at someone else's phone. Stopping removes it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.actors import ActorRef
from motcua.core.errors import MotcuaError, NotFound
from motcua.core.services import record_change
from motcua.feedback.models import Petition
from motcua.feedback.services.petitions import get_for_petitioner
from motcua.notify.errors import NotifyErrorCode
from motcua.notify.events import NotifyEvent, NotifySubject
from motcua.notify.models import Channel, ContactPoint, Language
from motcua.notify.services import deliveries
from motcua.notify.services.contacts import (
    check_channel,
    check_code,
    check_code_rate,
    masked,
    new_code,
    normalised_address,
    refuse_code,
    send_code,
)


def _petitioner(petition: Petition) -> ActorRef:
    return ActorRef(kind="public", id=f"petitioner:{petition.code}")


def anonymous_petition(code: str, access_key: str) -> Petition:
    """The petition of a petitioner not signed in, found by its code and key (``NotFound``
    otherwise; a signed-in petitioner's own addresses serve theirs: ``/lien-he/``)."""
    petition = get_for_petitioner(None, code, access_key)
    if petition.applicant_id is not None:
        raise NotFound(_("No petition with this code and key."))
    return petition


def given_address(petition: Petition, channel_name: str) -> str:
    """The address given with the petition on ``channel_name``, normalised; a refusal when none
    was given or it cannot receive that channel (a landline cannot receive an SMS)."""
    raw = petition.contact_email if channel_name == Channel.EMAIL else petition.contact_phone
    if not raw:
        raise MotcuaError(
            _("No address for this channel was given with the petition."),
            code=NotifyErrorCode.INVALID_ADDRESS,
        )
    return normalised_address(channel_name, raw)


def contacts_of_petition(petition: Petition) -> dict[str, ContactPoint]:
    return {c.channel: c for c in ContactPoint.objects.filter(petition=petition)}


def ask_code(*, code: str, access_key: str, channel_name: str, language: str = "vi") -> ContactPoint:
    """Send a verification code to the address given with the petition on ``channel_name`` (a new
    one replaces the last). Refusals: no such petition (``NotFound``), no usable address
    (``contact_address_invalid``), too many codes (``RateLimited``), the channel down
    (``Unavailable``, the contact kept unverified)."""
    check_channel(channel_name)
    petition = anonymous_petition(code, access_key)
    address = given_address(petition, channel_name)
    language = language if language in Language.values else Language.VIETNAMESE
    with transaction.atomic():
        contact = (
            ContactPoint.objects.select_for_update().filter(petition=petition, channel=channel_name).first()
        )
        if contact is not None and contact.is_verified:
            return contact
        check_code_rate(f"petition:{petition.pk}:{channel_name}", address)
        created = contact is None
        if contact is None:
            contact = ContactPoint(petition=petition, channel=channel_name)
        contact.address, contact.language = address, language
        secret = new_code(contact)
        contact.save()
        record_change(
            actor=_petitioner(petition),
            type=NotifyEvent.CONTACT_ADDED if created else NotifyEvent.CONTACT_CODE_SENT,
            subject_type=NotifySubject.CONTACT_POINT,
            subject_id=str(contact.public_id),
            agency_code=petition.agency_code,
            changes={
                "channel": [None, channel_name],
                "address": [None, masked(address)],
                "petition": [None, petition.code],
                "verified": [None, False],
            },
        )
    send_code(contact, secret)
    return contact


def verify(*, code: str, access_key: str, channel_name: str, typed: str) -> ContactPoint:
    """Verify the petition's contact on ``channel_name`` with the code sent there; then every
    notification of the petition made so far is delivered there too. Refusals as for a person's
    address (``contact_code_wrong``, ``contact_code_expired``)."""
    petition = anonymous_petition(code, access_key)
    with transaction.atomic():
        contact = (
            ContactPoint.objects.select_for_update().filter(petition=petition, channel=channel_name).first()
        )
        if contact is None:
            raise MotcuaError(_("Ask for a code first."), code=NotifyErrorCode.CODE_EXPIRED)
        if contact.is_verified:
            return contact
        spent = check_code(contact, typed, actor=_petitioner(petition))
        if spent is None:
            deliveries.catch_up(contact)
            return contact
    refuse_code(spent=spent)


@transaction.atomic
def stop(*, code: str, access_key: str, channel_name: str) -> None:
    """Stop the petition's news on ``channel_name``: the contact is forgotten, a waiting delivery
    is closed unsent."""
    petition = anonymous_petition(code, access_key)
    contact = ContactPoint.objects.select_for_update().filter(petition=petition, channel=channel_name).first()
    if contact is None:
        return
    record_change(
        actor=_petitioner(petition),
        type=NotifyEvent.CONTACT_REMOVED,
        subject_type=NotifySubject.CONTACT_POINT,
        subject_id=str(contact.public_id),
        agency_code=petition.agency_code,
        changes={"channel": [channel_name, None], "address": [masked(contact.address), None]},
    )
    contact.delete()
