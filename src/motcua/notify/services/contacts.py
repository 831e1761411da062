"""Writes of contact addresses (ADR 0049): a person adds an e-mail address or a phone number, the
platform sends a one-time code through that channel, and the address is used only once the person
types the code back. Per person and channel: one address, a preference (notify or not) and the
language of the messages.

The code is six digits, kept as an HMAC keyed with the platform's secret (never in clear, never in
an event or the audit log), valid ``MOTCUA_CONTACT_CODE_SECONDS`` with at most
``MOTCUA_CONTACT_CODE_ATTEMPTS`` wrong tries; codes are rate-limited per person and channel and
per address whoever asks, so no one can bomb an address. Every step is audited, the addresses
masked (``+8491****567``, ``a***@example.com``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import ratelimit
from motcua.core.actors import Actor
from motcua.core.errors import MotcuaError, RateLimited, Unavailable
from motcua.core.services import record_change
from motcua.identity.actors import ApplicantActor
from motcua.notify import selectors, texts
from motcua.notify.channels import ChannelError, channel, enabled_channels
from motcua.notify.errors import NotifyErrorCode
from motcua.notify.events import NotifyEvent, NotifySubject
from motcua.notify.models import Channel, ContactPoint, Language

# Vietnamese mobile numbers: 0 and nine digits (03x, 05x, 07x, 08x, 09x), or the same after +84
_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")
_PHONE_NOISE = re.compile(r"[\s.\-()]")


def normalised_address(channel_name: str, raw: str) -> str:
    """The address as stored: an e-mail lower-cased, a phone number as ``+84`` and nine digits."""
    value = (raw or "").strip()
    if channel_name == Channel.EMAIL:
        value = value.lower()
        try:
            EmailValidator()(value)
        except ValidationError:
            raise MotcuaError(
                _("Enter an e-mail address like name@example.com."), code=NotifyErrorCode.INVALID_ADDRESS
            ) from None
        if len(value) > 254:
            raise MotcuaError(
                _("Enter an e-mail address like name@example.com."), code=NotifyErrorCode.INVALID_ADDRESS
            )
        return value
    if channel_name == Channel.SMS:
        match = _MOBILE.match(_PHONE_NOISE.sub("", value))
        if match is None:
            raise MotcuaError(
                _("Enter a Vietnamese mobile number like 0912 345 678."), code=NotifyErrorCode.INVALID_ADDRESS
            )
        return "+84" + match.group(1)
    raise MotcuaError(_("Choose e-mail or SMS."), code=NotifyErrorCode.CHANNEL_UNAVAILABLE)


def masked(address: str) -> str:
    """What the audit log and the operators see of an address."""
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{address[:5]}****{address[-3:]}" if len(address) > 8 else "****"


def _code_hash(contact: ContactPoint, code: str) -> str:
    key = str(settings.SECRET_KEY).encode()
    return hmac.new(key, f"{contact.public_id}:{code}".encode(), hashlib.sha256).hexdigest()


def check_channel(channel_name: str) -> None:
    if channel_name not in enabled_channels():
        raise MotcuaError(_("This channel is not available."), code=NotifyErrorCode.CHANNEL_UNAVAILABLE)


def _check_code_rate(actor: ApplicantActor, channel_name: str, address: str) -> None:
    check_code_rate(f"{actor.applicant_id}:{channel_name}", address)


def check_code_rate(asker: str, address: str) -> None:
    """Count one code sent for ``asker`` (a person and channel, or a petition and channel) and to
    ``address`` whoever asks; ``RateLimited`` when either is over its hourly budget."""
    address_key = hashlib.sha256(address.encode()).hexdigest()[:32]
    verdicts = ratelimit.hit_many(
        [
            (
                "contact_code_person",
                asker,
                ratelimit.configured_rate("contact_code_person"),
            ),
            ("contact_code_address", address_key, ratelimit.configured_rate("contact_code_address")),
        ]
    )
    refused = [verdict for verdict in verdicts if not verdict.allowed]
    if refused:
        raise RateLimited(
            _("Too many codes were sent to this address. Try again later."),
            retry_after=max(verdict.retry_after for verdict in refused),
        )


def new_code(contact: ContactPoint) -> str:
    code = f"{secrets.randbelow(1_000_000):06d}"
    contact.code_hash = _code_hash(contact, code)
    contact.code_expires_at = timezone.now() + datetime.timedelta(
        seconds=settings.MOTCUA_CONTACT_CODE_SECONDS
    )
    contact.code_attempts = 0
    return code


def send_code(contact: ContactPoint, code: str) -> None:
    message = texts.code_message(contact, code, reference=f"code-{contact.public_id}-{secrets.token_hex(4)}")
    try:
        channel(contact.channel).send(message)
    except ChannelError:
        raise Unavailable(_("The code could not be sent just now. Try again in a few minutes.")) from None


def add_contact(
    *, actor: ApplicantActor, channel_name: str, address: str, language: str = "vi"
) -> ContactPoint:
    """Set the actor's address on a channel (replacing the one they had) and send a code to it.

    The address is used for nothing until verified (``verify_contact``). Raises ``MotcuaError`` (bad input),
    ``RateLimited`` (nothing changed) or ``Unavailable`` (the address is kept, unverified; ask
    for a new code later)."""
    check_channel(channel_name)
    value = normalised_address(channel_name, address)
    language = language if language in Language.values else Language.VIETNAMESE
    _check_code_rate(actor, channel_name, value)
    with transaction.atomic():
        contact = (
            selectors.contacts_of(actor).filter(channel=channel_name).select_for_update(of=("self",)).first()
        )
        before = masked(contact.address) if contact is not None else None
        if contact is None:
            contact = ContactPoint(applicant_id=actor.applicant_id, channel=channel_name)
        contact.address = value
        contact.language = language
        contact.verified_at = None
        code = new_code(contact)
        contact.save()
        record_change(
            actor=actor,
            type=NotifyEvent.CONTACT_ADDED,
            subject_type=NotifySubject.CONTACT_POINT,
            subject_id=str(contact.public_id),
            changes={
                "channel": [None, channel_name],
                "address": [before, masked(value)],
                "verified": [None, False],
            },
        )
    send_code(contact, code)
    return contact


def resend_code(*, actor: ApplicantActor, channel_name: str) -> ContactPoint:
    """A new code for the actor's unverified address (the old one stops working)."""
    check_channel(channel_name)
    contact = selectors.get_contact(actor, channel_name)
    if contact.is_verified:
        return contact
    _check_code_rate(actor, channel_name, contact.address)
    with transaction.atomic():
        contact = selectors.get_contact(actor, channel_name, for_update=True)
        code = new_code(contact)
        contact.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
        record_change(
            actor=actor,
            type=NotifyEvent.CONTACT_CODE_SENT,
            subject_type=NotifySubject.CONTACT_POINT,
            subject_id=str(contact.public_id),
            changes={"address": [None, masked(contact.address)]},
        )
    send_code(contact, code)
    return contact


def verify_contact(*, actor: ApplicantActor, channel_name: str, code: str) -> ContactPoint:
    """Verify the actor's address with the code sent to it. A wrong or expired code is refused
    (``contact_code_wrong``, ``contact_code_expired``), the refusal counted and audited; after the
    last allowed try the code is spent and a new one must be asked for. Verifying again changes
    nothing."""
    with transaction.atomic():
        contact = selectors.get_contact(actor, channel_name, for_update=True)
        if contact.is_verified:
            return contact
        spent = check_code(contact, code, actor=actor)
        if spent is None:
            return contact
    refuse_code(spent=spent)


def check_code(contact: ContactPoint, code: str, *, actor: Actor) -> bool | None:
    """Check ``code`` against the (locked, unverified) ``contact``, in the caller's transaction:
    ``None`` when it is right (the contact is now verified), else whether the code is spent. The
    verification or the refusal is audited either way."""
    typed = re.sub(r"\s", "", code or "")
    usable = (
        bool(contact.code_hash)
        and contact.code_expires_at is not None
        and contact.code_expires_at > timezone.now()
        and contact.code_attempts < settings.MOTCUA_CONTACT_CODE_ATTEMPTS
    )
    right = usable and hmac.compare_digest(contact.code_hash, _code_hash(contact, typed))
    if right:
        contact.verified_at = timezone.now()
        contact.code_hash, contact.code_expires_at, contact.code_attempts = "", None, 0
        contact.save(update_fields=["verified_at", "code_hash", "code_expires_at", "code_attempts"])
        record_change(
            actor=actor,
            type=NotifyEvent.CONTACT_VERIFIED,
            subject_type=NotifySubject.CONTACT_POINT,
            subject_id=str(contact.public_id),
            changes={"verified": [False, True]},
        )
        return None
    if usable:
        contact.code_attempts += 1
        contact.save(update_fields=["code_attempts"])
    record_change(
        actor=actor,
        type=NotifyEvent.CONTACT_CODE_REFUSED,
        subject_type=NotifySubject.CONTACT_POINT,
        subject_id=str(contact.public_id),
        changes={"attempts": [None, contact.code_attempts], "usable": [None, usable]},
    )
    return not usable or contact.code_attempts >= settings.MOTCUA_CONTACT_CODE_ATTEMPTS


def refuse_code(*, spent: bool) -> NoReturn:
    """Raise the refusal of a wrong code (after the refusal was committed)."""
    if spent:
        raise MotcuaError(
            _("This code has expired or was tried too many times. Ask for a new code."),
            code=NotifyErrorCode.CODE_EXPIRED,
        )
    raise MotcuaError(_("The code is not right. Check it and try again."), code=NotifyErrorCode.CODE_WRONG)


@transaction.atomic
def change_contact(
    *, actor: ApplicantActor, channel_name: str, notify: bool | None = None, language: str | None = None
) -> ContactPoint:
    """Change the actor's preference for a channel (be notified there or not) and its language."""
    contact = selectors.get_contact(actor, channel_name, for_update=True)
    changes: dict[str, list[object]] = {}
    if notify is not None and notify != contact.notify:
        changes["notify"] = [contact.notify, notify]
        contact.notify = notify
    if language is not None and language != contact.language:
        if language not in Language.values:
            raise MotcuaError(_("Choose Vietnamese or English."))
        changes["language"] = [contact.language, language]
        contact.language = language
    if changes:
        contact.save(update_fields=["notify", "language"])
        record_change(
            actor=actor,
            type=NotifyEvent.CONTACT_CHANGED,
            subject_type=NotifySubject.CONTACT_POINT,
            subject_id=str(contact.public_id),
            changes=changes,
        )
    return contact


@transaction.atomic
def remove_contact(*, actor: ApplicantActor, channel_name: str) -> None:
    """Forget the actor's address on a channel; nothing more is sent there."""
    contact = selectors.get_contact(actor, channel_name, for_update=True)
    record_change(
        actor=actor,
        type=NotifyEvent.CONTACT_REMOVED,
        subject_type=NotifySubject.CONTACT_POINT,
        subject_id=str(contact.public_id),
        changes={"channel": [channel_name, None], "address": [masked(contact.address), None]},
    )
    contact.delete()
