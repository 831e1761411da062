"""Writes of notifications: made from dossier events by the event-log dispatcher (at least once,
so making them is idempotent per event and recipient), and marked read by their reader. Each
write records its audit entry in the same transaction."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.actors import SYSTEM, Actor
from motcua.core.models import Event
from motcua.core.services import record_change
from motcua.dossiers.events import DossierEvent, DossierSubject
from motcua.dossiers.models import Dossier
from motcua.identity.actors import ApplicantActor
from motcua.identity.events import IdentitySubject
from motcua.identity.models import Applicant
from motcua.notify import selectors
from motcua.notify.events import NotifyEvent, NotifySubject
from motcua.notify.models import Notification, NotificationKind

# the dossier events an applicant is told of, and what they are told
KIND_OF_EVENT: dict[str, NotificationKind] = {
    DossierEvent.DOSSIER_SUBMITTED: NotificationKind.RECEIVED,
    DossierEvent.DOSSIER_SUPPLEMENT_REQUESTED: NotificationKind.SUPPLEMENT_REQUESTED,
    DossierEvent.DOSSIER_REFUSED: NotificationKind.REFUSED,
    DossierEvent.DOSSIER_APOLOGY_ISSUED: NotificationKind.APOLOGY,
    DossierEvent.DOSSIER_STOPPED: NotificationKind.STOPPED,
    DossierEvent.DOSSIER_TRANSFERRED: NotificationKind.TRANSFERRED,
    DossierEvent.DOSSIER_RESULT_RETURNED: NotificationKind.RESULT_READY,
}
# what the text needs from the event's payload (ids and dates only)
FACTS = ("due_on", "notice", "result", "agency")


@transaction.atomic
def notify_applicants(*, event: Event, actor: Actor = SYSTEM) -> list[Notification]:
    """Tell the dossier's applicant, and whoever submitted it for them, of ``event``.

    Returns the notifications made now; a second call for the same event makes none."""
    kind = KIND_OF_EVENT.get(event.type)
    if kind is None or event.subject_type != DossierSubject.DOSSIER:
        return []
    dossier = (
        Dossier.objects.filter(code=event.subject_id)
        .only("id", "code", "agency_code", "applicant_id", "submitted_by_id")
        .first()
    )
    if dossier is None:
        return []
    payload = event.payload or {}
    facts = {name: payload[name] for name in FACTS if payload.get(name)}
    facts.setdefault("agency", event.agency_code or dossier.agency_code)
    recipients = dict(
        Applicant.objects.filter(pk__in={dossier.applicant_id, dossier.submitted_by_id}).values_list(
            "id", "public_id"
        )
    )
    made = []
    for recipient_id in sorted(recipients):
        if Notification.objects.filter(event=event, recipient_id=recipient_id).exists():
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient_id=recipient_id,
                    kind=kind,
                    event=event,
                    dossier=dossier,
                    facts=facts,
                    created_at=event.occurred_at,
                )
        except IntegrityError:  # another dispatcher made it meanwhile
            continue
        record_change(
            actor=actor,
            type=NotifyEvent.NOTIFICATION_CREATED,
            subject_type=NotifySubject.NOTIFICATION,
            subject_id=str(notification.public_id),
            agency_code=dossier.agency_code,
            changes={
                "kind": [None, kind.value],
                "dossier": [None, dossier.code],
                "recipient": [None, str(recipients[recipient_id])],
                "event": [None, event.pk],
            },
        )
        made.append(notification)
    return made


@transaction.atomic
def mark_read(*, actor: ApplicantActor, public_id: uuid.UUID | str) -> Notification:
    """Mark one of the actor's notifications read (again: nothing changes)."""
    notification = selectors.get_notification(actor, public_id, for_update=True)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        record_change(
            actor=actor,
            type=NotifyEvent.NOTIFICATION_READ,
            subject_type=NotifySubject.NOTIFICATION,
            subject_id=str(notification.public_id),
            changes={"read_at": [None, notification.read_at.isoformat()]},
        )
    return notification


@transaction.atomic
def mark_all_read(*, actor: ApplicantActor) -> int:
    """Mark every unread notification of the actor read; returns how many were unread."""
    unread = list(
        selectors.notifications_of(actor)
        .filter(read_at__isnull=True)
        .select_for_update(of=("self",))
        .values_list("id", flat=True)
    )
    if not unread:
        return 0
    now = timezone.now()
    Notification.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=now)
    record_change(
        actor=actor,
        type=NotifyEvent.NOTIFICATIONS_READ,
        subject_type=IdentitySubject.APPLICANT,
        subject_id=actor.applicant_public_id,
        changes={"unread": [len(unread), 0]},
    )
    return len(unread)
