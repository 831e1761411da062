"""A notification is one message to one applicant about one event of one dossier.

It keeps ids and dates, never a rendered text: the text is composed when it is read, in the
reader's language, from the dossier and its notice (``selectors.notification_view``). One row per
(event, recipient) makes the dispatcher's redelivery harmless.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import Event
from motcua.dossiers.models import Dossier
from motcua.feedback.models import Petition
from motcua.identity.models import Applicant


class NotificationKind(models.TextChoices):
    RECEIVED = "received", _("Dossier received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    REFUSED = "refused", _("Dossier refused")
    APOLOGY = "apology", _("Late: apology and new appointment date")
    STOPPED = "stopped", _("Processing stopped")
    TRANSFERRED = "transferred", _("Dossier transferred to another agency")
    RESULT_READY = "result_ready", _("Result ready")
    RATE_DOSSIER = "rate_dossier", _("Rate your dossier")
    PETITION_UPDATE = "petition_update", _("News of your petition")


class Notification(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # None: a petitioner not signed in, reached only at the petition's verified contact (ADR 0058)
    recipient = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+")
    # what it is about: a dossier, or a petition (feedback); exactly one of the two
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    petition = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    # what the text needs from the moment of the event: {"due_on", "notice", "result", "agency"}
    facts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="notify_one_per_event_and_recipient"),
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notify_kind_valid"),
            models.CheckConstraint(
                condition=Q(dossier__isnull=False, petition__isnull=True)
                | Q(dossier__isnull=True, petition__isnull=False),
                name="notify_about_dossier_or_petition",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(petition__isnull=False),
                name="notify_recipient_or_petition",
            ),
            models.UniqueConstraint(
                fields=["event", "petition"],
                condition=Q(recipient__isnull=True),
                name="notify_one_per_event_for_anonymous_petitioner",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notify_recipient_idx"),
            models.Index(fields=["recipient"], name="notify_unread_idx", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dossier_id or self.petition_id} → {self.recipient_id}"


# --- delivery by e-mail and SMS (ADR 0049, 0050) ---------------------------------------------


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Language(models.TextChoices):
    VIETNAMESE = "vi", "Tiếng Việt"
    ENGLISH = "en", "English"


class ContactPoint(models.Model):
    """One person's address on one channel, given by them in the portal and verified by a code
    sent to it (ADR 0049); or the contact a petitioner not signed in gave with one petition, for
    that petition's news only (``petition``, ADR 0058). Only a verified one with ``notify`` on
    receives notifications, in its ``language``. The code itself is never stored: its keyed hash,
    its expiry and the wrong attempts against it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_points"
    )
    petition = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_points"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254)  # e-mail lower-cased; phone as +84…
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.VIETNAMESE)
    notify = models.BooleanField(default=True)  # the person's preference for this channel
    verified_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["applicant", "channel"], name="notify_one_contact_per_channel"),
            models.UniqueConstraint(
                fields=["petition", "channel"],
                condition=Q(petition__isnull=False),
                name="notify_one_petition_contact_per_channel",
            ),
            models.CheckConstraint(
                condition=Q(applicant__isnull=False, petition__isnull=True)
                | Q(applicant__isnull=True, petition__isnull=False),
                name="notify_contact_of_person_or_petition",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="notify_contact_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="notify_contact_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} of {self.applicant_id or f'petition {self.petition_id}'}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Failed: needs an operator")
    RESOLVED = "resolved", _("Resolved by an operator")


class Delivery(models.Model):
    """One notification on one channel: made once (unique per notification and channel), sent at
    least once with backoff until it is sent or, after the last attempt, dead (the dead-letter list
    an operator reads, retries or resolves). Holds no address and no text: both are read when it
    is sent, from the contact point and the notification."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)  # the gateway's message id, the Message-ID
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notify_one_delivery_per_channel"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="notify_delivery_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="notify_delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="notify_delivery_due_idx", condition=Q(status="pending")
            ),
            models.Index(fields=["status", "-created_at"], name="notify_delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} {self.notification_id}"
