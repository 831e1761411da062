"""Writes of notifications: made from dossier and petition events by the event-log dispatcher (at least once,
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
from motcua.feedback.events import FeedbackEvent, FeedbackSubject
from motcua.feedback.models import Petition
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
    FeedbackEvent.RATING_REQUESTED: NotificationKind.RATE_DOSSIER,
    FeedbackEvent.PETITION_RECEIVED: NotificationKind.PETITION_UPDATE,
    FeedbackEvent.PETITION_STEP: NotificationKind.PETITION_UPDATE,
}
# what the text needs from the event's payload (ids and dates only)
FACTS = ("due_on", "notice", "result", "agency", "step", "step_id")
# the petition steps the petitioner is not told of (their own answer to a question)
UNTOLD_STEPS = {"info_received"}


@transaction.atomic
def notify_applicants(*, event: Event, actor: Actor = SYSTEM) -> list[Notification]:
    """Tell the dossier's applicant, and whoever submitted it for them, of ``event`` (a petition's
    event: its petitioner, when signed in).

    Returns the notifications made now; a second call for the same event makes none."""
    kind = KIND_OF_EVENT.get(event.type)
    if kind is None:
        return []
    payload = event.payload or {}
    facts = {name: payload[name] for name in FACTS if payload.get(name)}
    if event.subject_type == FeedbackSubject.PETITION:
        petition = (
            Petition.objects.filter(code=event.subject_id)
            .only("id", "code", "agency_code", "applicant_id")
            .first()
        )
        if petition is None or facts.get("step") in UNTOLD_STEPS:
            return []
        facts.setdefault("step", "received")
        facts["agency"] = event.agency_code or petition.agency_code
        if petition.applicant_id is None:  # reached only at the petition's verified contact (ADR 0058)
            return _make_for_petition_contact(event, kind, facts, actor=actor, petition=petition)
        recipients = dict(Applicant.objects.filter(pk=petition.applicant_id).values_list("id", "public_id"))
        return _make(
            event, kind, recipients, facts, actor=actor, petition=petition, agency_code=petition.agency_code
        )
    if event.subject_type not in (DossierSubject.DOSSIER, FeedbackSubject.RATING):
        return []
    dossier = (
        Dossier.objects.filter(code=event.subject_id)
        .only("id", "code", "agency_code", "applicant_id", "submitted_by_id")
        .first()
    )
    if dossier is None:
        return []
    facts.setdefault("agency", event.agency_code or dossier.agency_code)
    recipients = dict(
        Applicant.objects.filter(pk__in={dossier.applicant_id, dossier.submitted_by_id}).values_list(
            "id", "public_id"
        )
    )
    return _make(
        event, kind, recipients, facts, actor=actor, dossier=dossier, agency_code=dossier.agency_code
    )


def _make(
    event: Event,
    kind: NotificationKind,
    recipients: dict[int, uuid.UUID],
    facts: dict[str, object],
    *,
    actor: Actor,
    agency_code: str,
    dossier: Dossier | None = None,
    petition: Petition | None = None,
) -> list[Notification]:
    """One notification of ``event`` per recipient (none twice), each with its audit entry."""
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
                    petition=petition,
                    facts=facts,
                    created_at=event.occurred_at,
                )
        except IntegrityError:  # another dispatcher made it meanwhile
            continue
        about = (
            {"dossier": [None, dossier.code]}
            if dossier
            else {"petition": [None, petition.code if petition else ""]}
        )
        record_change(
            actor=actor,
            type=NotifyEvent.NOTIFICATION_CREATED,
            subject_type=NotifySubject.NOTIFICATION,
            subject_id=str(notification.public_id),
            agency_code=agency_code,
            changes={
                "kind": [None, kind.value],
                **about,
                "recipient": [None, str(recipients[recipient_id])],
                "event": [None, event.pk],
            },
        )
        made.append(notification)
    return made


def _make_for_petition_contact(
    event: Event, kind: NotificationKind, facts: dict[str, object], *, actor: Actor, petition: Petition
) -> list[Notification]:
    """The one notification of ``event`` for a petitioner not signed in: no recipient, delivered
    (``deliveries``) at the contact they verified for the petition, now or when they verify it."""
    if Notification.objects.filter(event=event, petition=petition, recipient__isnull=True).exists():
        return []
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=None,
                kind=kind,
                event=event,
                petition=petition,
                facts=facts,
                created_at=event.occurred_at,
            )
    except IntegrityError:  # another dispatcher made it meanwhile
        return []
    record_change(
        actor=actor,
        type=NotifyEvent.NOTIFICATION_CREATED,
        subject_type=NotifySubject.NOTIFICATION,
        subject_id=str(notification.public_id),
        agency_code=petition.agency_code,
        changes={
            "kind": [None, kind.value],
            "petition": [None, petition.code],
            "recipient": [None, "petitioner's contact"],
            "event": [None, event.pk],
        },
    )
    return [notification]


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
