"""REST API of notifications: the caller's own, newest first, with their text in the caller's
language; marking one or all read; the caller's contact addresses (verified by a code) and
preferences. Applicant-only, except the dead-letter list (the platform's operators) and the SMS
gateway's signed delivery receipts (public, checked by their HMAC signature)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from motcua.api.errors import DENIALS, ErrorOut
from motcua.core.errors import NotFound
from motcua.identity.permissions import applicant_auth, applicant_of, official_auth, official_of, public
from motcua.notify import selectors, services
from motcua.notify.channels.sms import shared_secret
from motcua.notify.errors import NotifyErrorCode
from motcua.notify.models import Channel, ContactPoint, Delivery
from motcua.notify.selectors import NotificationView
from motcua.notify.services import contacts, deliveries, petition_contacts
from motcua.protocol import sms

router = Router(tags=["notifications"])
LIMIT = 100


class NotificationOut(Schema):
    id: str
    # received | supplement_requested | refused | apology | stopped | transferred | result_ready |
    # rate_dossier | petition_update
    kind: str
    kind_label: str
    title: str
    body: str
    dossier: str  # the dossier's code (GET /dossiers/{code}); "" for a petition's
    petition: str  # the petition's code (GET /petitions/{code}); "" for a dossier's
    url: str  # the page to open
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationsOut(Schema):
    unread: int
    items: list[NotificationOut]


class MarkedOut(Schema):
    marked: int


def _out(view: NotificationView) -> dict[str, Any]:
    return {
        "id": view.public_id,
        "kind": view.kind,
        "kind_label": view.kind_label,
        "title": view.title,
        "body": view.body,
        "dossier": view.dossier_code,
        "petition": view.petition_code,
        "url": view.url,
        "created_at": view.created_at,
        "read_at": view.read_at,
    }


@router.get(
    "/notifications",
    auth=applicant_auth,
    response={200: NotificationsOut, **DENIALS},
    summary="My notifications (the latest 100, newest first) and how many are unread",
)
def list_notifications(request: HttpRequest, unread_only: bool = False) -> dict[str, Any]:
    actor = applicant_of(request)
    found = selectors.notifications_of(actor)
    if unread_only:
        found = found.filter(read_at__isnull=True)
    views = selectors.notification_views(list(found[:LIMIT]))
    return {"unread": selectors.unread_count(actor), "items": [_out(v) for v in views]}


@router.post(
    "/notifications/read",
    auth=applicant_auth,
    response={200: MarkedOut, **DENIALS},
    summary="Mark all my notifications read (answers how many were unread)",
)
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.mark_all_read(actor=applicant_of(request))}


@router.post(
    "/notifications/{notification_id}/read",
    auth=applicant_auth,
    response={200: NotificationOut, **DENIALS},
    summary="Mark one of my notifications read (again: unchanged)",
)
def mark_read(request: HttpRequest, notification_id: str) -> dict[str, Any]:
    notification = services.mark_read(actor=applicant_of(request), public_id=notification_id)
    return _out(selectors.notification_view(notification))


# --- contact addresses and preferences (applicant-only; ADR 0049) ------------------------------


class ContactOut(Schema):
    channel: str  # email | sms
    address: str
    verified: bool
    notify: bool  # the person's preference: be notified on this channel
    language: str  # vi | en: the language of the messages
    code_expires_at: datetime.datetime | None  # the pending code's expiry (unverified only)


class ContactIn(Schema):
    address: str
    language: str = "vi"


class CodeIn(Schema):
    code: str


class PreferenceIn(Schema):
    notify: bool | None = None
    language: str | None = None


def _contact_out(contact: ContactPoint) -> dict[str, Any]:
    return {
        "channel": contact.channel,
        "address": contact.address,
        "verified": contact.is_verified,
        "notify": contact.notify,
        "language": contact.language,
        "code_expires_at": None if contact.is_verified else contact.code_expires_at,
    }


def _channel(name: str) -> str:
    if name not in {Channel.EMAIL, Channel.SMS}:
        raise NotFound(_("No such contact address."))
    return name


@router.get(
    "/contacts",
    auth=applicant_auth,
    response={200: list[ContactOut], **DENIALS},
    summary="My contact addresses (e-mail, SMS), whether verified, and my preferences",
)
def list_contacts(request: HttpRequest) -> list[dict[str, Any]]:
    return [_contact_out(c) for c in selectors.contacts_of(applicant_of(request))]


@router.put(
    "/contacts/{channel}",
    auth=applicant_auth,
    response={200: ContactOut, 400: ErrorOut, 503: ErrorOut, **DENIALS},
    summary="Set my address on a channel (email or sms); a code is sent to it to verify it",
)
def put_contact(request: HttpRequest, channel: str, payload: ContactIn) -> dict[str, Any]:
    contact = contacts.add_contact(
        actor=applicant_of(request),
        channel_name=_channel(channel),
        address=payload.address,
        language=payload.language,
    )
    return _contact_out(contact)


@router.post(
    "/contacts/{channel}/code",
    auth=applicant_auth,
    response={200: ContactOut, 400: ErrorOut, 503: ErrorOut, **DENIALS},
    summary="Send a new verification code to my unverified address",
)
def resend_code(request: HttpRequest, channel: str) -> dict[str, Any]:
    return _contact_out(contacts.resend_code(actor=applicant_of(request), channel_name=_channel(channel)))


@router.post(
    "/contacts/{channel}/verify",
    auth=applicant_auth,
    response={200: ContactOut, 400: ErrorOut, **DENIALS},
    summary="Verify my address with the code sent to it",
)
def verify_contact(request: HttpRequest, channel: str, payload: CodeIn) -> dict[str, Any]:
    contact = contacts.verify_contact(
        actor=applicant_of(request), channel_name=_channel(channel), code=payload.code
    )
    return _contact_out(contact)


@router.patch(
    "/contacts/{channel}",
    auth=applicant_auth,
    response={200: ContactOut, 400: ErrorOut, **DENIALS},
    summary="Change my preference for a channel (notify or not) or its language",
)
def change_contact(request: HttpRequest, channel: str, payload: PreferenceIn) -> dict[str, Any]:
    contact = contacts.change_contact(
        actor=applicant_of(request),
        channel_name=_channel(channel),
        notify=payload.notify,
        language=payload.language,
    )
    return _contact_out(contact)


@router.delete(
    "/contacts/{channel}",
    auth=applicant_auth,
    response={204: None, **DENIALS},
    summary="Remove my address on a channel",
)
def remove_contact(request: HttpRequest, channel: str) -> Status[Any]:
    contacts.remove_contact(actor=applicant_of(request), channel_name=_channel(channel))
    return Status(204, None)


# --- the dead-letter list (the platform's operators; ADR 0050) ---------------------------------


class DeliveryOut(Schema):
    id: str
    channel: str
    status: str
    attempts: int
    last_error: str
    dossier: str
    notification_kind: str
    created_at: datetime.datetime
    next_attempt_at: datetime.datetime


def _delivery_out(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": str(delivery.public_id),
        "channel": delivery.channel,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_error": delivery.last_error,
        "dossier": delivery.notification.dossier.code if delivery.notification.dossier else "",
        "notification_kind": delivery.notification.kind,
        "created_at": delivery.created_at,
        "next_attempt_at": delivery.next_attempt_at,
    }


@router.get(
    "/notify/dead-letters",
    auth=official_auth,
    response={200: list[DeliveryOut], **DENIALS},
    summary="E-mails and SMS that could not be delivered (operators: the platform administrator)",
)
def list_dead_letters(request: HttpRequest) -> list[dict[str, Any]]:
    return [_delivery_out(d) for d in selectors.dead_letters(official_of(request))[:LIMIT]]


@router.post(
    "/notify/dead-letters/{delivery_id}/retry",
    auth=official_auth,
    response={200: DeliveryOut, **DENIALS},
    summary="Send a dead letter again (a fresh count of attempts)",
)
def retry_dead_letter(request: HttpRequest, delivery_id: str) -> dict[str, Any]:
    return _delivery_out(deliveries.retry_dead(actor=official_of(request), public_id=delivery_id))


@router.post(
    "/notify/dead-letters/{delivery_id}/resolve",
    auth=official_auth,
    response={200: DeliveryOut, **DENIALS},
    summary="Close a dead letter without sending it",
)
def resolve_dead_letter(request: HttpRequest, delivery_id: str) -> dict[str, Any]:
    return _delivery_out(deliveries.resolve_dead(actor=official_of(request), public_id=delivery_id))


# --- delivery receipts from the SMS gateway (signed; ADR 0050) ---------------------------------


class ReceiptIn(Schema):
    id: str  # the gateway's message id
    request_id: str  # the delivery's id, as sent in X-Request-Id
    status: str  # delivered | failed
    error: str = ""


class ReceiptOut(Schema):
    accepted: bool


@router.post(
    "/notify/sms-receipts",
    response={200: ReceiptOut, 401: ErrorOut},
    summary="A delivery receipt from the SMS gateway (HMAC-signed: X-Request-Id, X-Timestamp, X-Signature)",
)
@public
def sms_receipt(request: HttpRequest, payload: ReceiptIn) -> Status[Any]:
    try:
        sms.verify(
            shared_secret(), method="POST", path=request.path, headers=request.headers, body=request.body
        )
    except sms.BadSignature:
        return Status(
            401,
            {"code": NotifyErrorCode.BAD_SIGNATURE, "message": _("The receipt's signature is not valid.")},
        )
    delivery = deliveries.record_receipt(
        request_id=payload.request_id, provider_id=payload.id, status=payload.status, error=payload.error
    )
    return Status(200, {"accepted": delivery is not None})


# --- a petitioner not signed in: the petition's news by e-mail or SMS (ADR 0058) ---------------


class PetitionKeyIn(Schema):
    access_key: str
    language: str = "vi"  # vi | en: the language of the messages


class PetitionCodeIn(Schema):
    access_key: str
    code: str  # the six digits sent


class PetitionContactOut(Schema):
    channel: str
    address: str  # masked: the address given with the petition
    verified: bool
    code_expires_at: datetime.datetime | None


def _petition_contact_out(contact: ContactPoint) -> dict[str, Any]:
    return {
        "channel": contact.channel,
        "address": contacts.masked(contact.address),
        "verified": contact.is_verified,
        "code_expires_at": None if contact.is_verified else contact.code_expires_at,
    }


@router.post(
    "/public/petitions/{code}/contacts/{channel}/code",
    response={200: PetitionContactOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Send a code to the address given with a petition sent without an account, for its news",
)
@public
def petition_contact_code(
    request: HttpRequest, code: str, channel: str, body: PetitionKeyIn
) -> dict[str, Any]:
    contact = petition_contacts.ask_code(
        code=code, access_key=body.access_key, channel_name=_channel(channel), language=body.language
    )
    return _petition_contact_out(contact)


@router.post(
    "/public/petitions/{code}/contacts/{channel}/verify",
    response={200: PetitionContactOut, 400: ErrorOut, 404: ErrorOut},
    summary="Verify a petition's contact with the code sent to it: every step's news is sent there",
)
@public
def petition_contact_verify(
    request: HttpRequest, code: str, channel: str, body: PetitionCodeIn
) -> dict[str, Any]:
    contact = petition_contacts.verify(
        code=code, access_key=body.access_key, channel_name=_channel(channel), typed=body.code
    )
    return _petition_contact_out(contact)


@router.post(
    "/public/petitions/{code}/contacts/{channel}/stop",
    response={204: None, 404: ErrorOut},
    summary="Stop a petition's news on a channel (the contact is forgotten)",
)
@public
def petition_contact_stop(request: HttpRequest, code: str, channel: str, body: PetitionKeyIn) -> Status[Any]:
    petition_contacts.stop(code=code, access_key=body.access_key, channel_name=_channel(channel))
    return Status(204, None)
