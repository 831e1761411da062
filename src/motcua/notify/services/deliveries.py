"""Writes of deliveries: a notification sent by e-mail or SMS (ADR 0050).

Generic over notifications: a channel's outbox handler reacts to ``notify.notification_created``,
whoever made the notification (dossier events today; payments and feedback tomorrow), and makes
at most one ``Delivery`` per notification and channel, and only for a recipient with a verified
address on that channel who wants to be notified there.

Sending happens outside any transaction, between two short ones (a network call must not hold a
database lock, least of all on SQLite): the first claims the delivery (an attempt counted, the
next attempt pushed past the channel's timeout, so a concurrent sender leaves it alone and a crash
only delays it), the second records the outcome: sent; or failed, to be tried again after a
backoff (30 s, 1 min, 2 min, ... at most an hour); or, after ``MOTCUA_NOTIFY_MAX_ATTEMPTS``, dead:
on the operators' dead-letter list, retried or resolved from there. The delivery's id is the
channel's idempotency key, so a retry after an answer lost on the way is not sent twice by the SMS
gateway. A delivery receipt from the gateway moves an SMS on to delivered (or dead, if it failed).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.actors import SYSTEM, Actor
from motcua.core.models import Event
from motcua.core.services import record_change
from motcua.core.tasks import enqueue_on_commit
from motcua.identity.actors import OfficialActor
from motcua.notify import selectors, texts
from motcua.notify.channels import ChannelError, channel, enabled_channels
from motcua.notify.events import NotifyEvent, NotifySubject
from motcua.notify.models import ContactPoint, Delivery, DeliveryStatus, Notification

CLAIM_SECONDS = 120  # longer than any channel's timeout: a claimed delivery is left alone this long


def backoff(attempts: int) -> datetime.timedelta:
    """How long after its ``attempts``-th failure a delivery is tried again."""
    return datetime.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _audit(
    delivery: Delivery, kind: NotifyEvent, changes: dict[str, list[object]], actor: Actor = SYSTEM
) -> None:
    record_change(
        actor=actor,
        type=kind,
        subject_type=NotifySubject.DELIVERY,
        subject_id=str(delivery.public_id),
        changes={"channel": [None, delivery.channel], **changes},
        payload={"notification": str(delivery.notification.public_id) if delivery.notification_id else ""},
    )


def _usable_contact(notification: Notification, channel_name: str) -> ContactPoint | None:
    if notification.recipient_id is None:  # a petitioner not signed in: the petition's contact (ADR 0058)
        if notification.petition_id is None:
            return None
        whose = ContactPoint.objects.filter(petition_id=notification.petition_id)
    else:
        whose = ContactPoint.objects.filter(applicant_id=notification.recipient_id)
    return whose.filter(channel=channel_name, verified_at__isnull=False, notify=True).first()


@transaction.atomic
def make_delivery(*, event: Event, channel_name: str) -> Delivery | None:
    """The delivery of the notification ``event`` announced, on ``channel_name``: made once, if the
    recipient has a verified address there and wants it; sent after the transaction commits."""
    if channel_name not in enabled_channels() or event.type != NotifyEvent.NOTIFICATION_CREATED:
        return None
    notification = Notification.objects.filter(public_id=event.subject_id).first()
    if notification is None:
        return None
    return _deliver(notification, channel_name)


def _deliver(notification: Notification, channel_name: str) -> Delivery | None:
    if _usable_contact(notification, channel_name) is None:
        return None
    if Delivery.objects.filter(notification=notification, channel=channel_name).exists():
        return None
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(notification=notification, channel=channel_name)
    except IntegrityError:  # another dispatcher made it meanwhile
        return None
    from motcua.notify.tasks import send_delivery_task  # the task module imports this one

    enqueue_on_commit(send_delivery_task, delivery.pk)
    return delivery


def catch_up(contact: ContactPoint) -> list[Delivery]:
    """A petition's contact just verified (ADR 0058): deliver there the notifications of the
    petition made before (its receipt, at least), each once, in the caller's transaction."""
    if contact.petition_id is None or contact.channel not in enabled_channels():
        return []
    earlier = Notification.objects.filter(petition_id=contact.petition_id, recipient__isnull=True)
    made = [_deliver(notification, contact.channel) for notification in earlier.order_by("created_at", "id")]
    return [delivery for delivery in made if delivery is not None]


def _claim(delivery_id: int) -> Delivery | None:
    with transaction.atomic():
        now = timezone.now()
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("notification")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + datetime.timedelta(seconds=CLAIM_SECONDS)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        return delivery


def send_delivery(delivery_id: int) -> str:
    """Try one due delivery once; returns its status after (``""`` if it was not due or was taken)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return ""
    contact = _usable_contact(delivery.notification, delivery.channel)
    if contact is None:  # the person removed the address or turned the channel off meanwhile
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.RESOLVED, last_error="no verified address wanted on this channel"
            )
            _audit(
                delivery,
                NotifyEvent.DELIVERY_RESOLVED,
                {"status": [DeliveryStatus.PENDING, DeliveryStatus.RESOLVED]},
            )
        return DeliveryStatus.RESOLVED
    message = texts.notification_message(delivery.notification, contact, reference=str(delivery.public_id))
    try:
        sent = channel(delivery.channel).send(message)
    except ChannelError as failure:
        return _failed(delivery, str(failure))
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENT,
            sent_at=timezone.now(),
            provider_id=sent.provider_id[:100],
            last_error="",
        )
        _audit(
            delivery,
            NotifyEvent.DELIVERY_SENT,
            {"status": [DeliveryStatus.PENDING, DeliveryStatus.SENT], "attempts": [None, delivery.attempts]},
        )
    return DeliveryStatus.SENT


def _failed(delivery: Delivery, error: str) -> str:
    dead = delivery.attempts >= settings.MOTCUA_NOTIFY_MAX_ATTEMPTS
    status = DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=status, last_error=error[:500], next_attempt_at=timezone.now() + backoff(delivery.attempts)
        )
        _audit(
            delivery,
            NotifyEvent.DELIVERY_DEAD if dead else NotifyEvent.DELIVERY_FAILED,
            {
                "status": [DeliveryStatus.PENDING, status],
                "attempts": [None, delivery.attempts],
                "error": [None, error[:200]],
            },
        )
    return status


def due_deliveries(*, limit: int = 200) -> list[int]:
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def send_due_deliveries(*, limit: int = 200) -> dict[str, int]:
    """Try every due delivery once (the periodic task): how many ended in each status."""
    outcome: dict[str, int] = {}
    for delivery_id in due_deliveries(limit=limit):
        status = send_delivery(delivery_id)
        if status:
            outcome[status] = outcome.get(status, 0) + 1
    return outcome


@transaction.atomic
def record_receipt(*, request_id: str, provider_id: str, status: str, error: str = "") -> Delivery | None:
    """A delivery receipt from the SMS gateway (already verified): ``delivered`` settles the
    delivery; ``failed`` puts it on the dead-letter list. A receipt for an unknown message, or
    repeated, changes nothing."""
    try:
        key = uuid.UUID(request_id)
    except ValueError:
        return None
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("notification")
        .filter(public_id=key, channel="sms")
        .first()
    )
    if delivery is None or delivery.status not in {DeliveryStatus.SENT, DeliveryStatus.PENDING}:
        return delivery
    before = delivery.status
    if status == "delivered":
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, timezone.now()
        kind = NotifyEvent.DELIVERY_DELIVERED
    elif status == "failed":
        delivery.status, delivery.last_error = DeliveryStatus.DEAD, f"receipt: {error}"[:500]
        kind = NotifyEvent.DELIVERY_DEAD
    else:
        return delivery
    delivery.provider_id = delivery.provider_id or provider_id[:100]
    delivery.save(update_fields=["status", "delivered_at", "last_error", "provider_id"])
    _audit(delivery, kind, {"status": [before, delivery.status]})
    return delivery


@transaction.atomic
def retry_dead(*, actor: OfficialActor, public_id: str) -> Delivery:
    """An operator sends a dead letter again: back to pending with a fresh count of attempts."""
    delivery = selectors.get_delivery(actor, public_id, for_update=True)
    if delivery.status != DeliveryStatus.DEAD:
        return delivery
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    _audit(
        delivery,
        NotifyEvent.DELIVERY_RETRIED,
        {"status": [DeliveryStatus.DEAD, DeliveryStatus.PENDING]},
        actor,
    )
    from motcua.notify.tasks import send_delivery_task  # the task module imports this one

    enqueue_on_commit(send_delivery_task, delivery.pk)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def resolve_dead(*, actor: OfficialActor, public_id: str) -> Delivery:
    """An operator closes a dead letter without sending it (the person was told another way)."""
    delivery = selectors.get_delivery(actor, public_id, for_update=True)
    if delivery.status != DeliveryStatus.DEAD:
        return delivery
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.RESOLVED)
    _audit(
        delivery,
        NotifyEvent.DELIVERY_RESOLVED,
        {"status": [DeliveryStatus.DEAD, DeliveryStatus.RESOLVED]},
        actor,
    )
    delivery.refresh_from_db()
    return delivery
