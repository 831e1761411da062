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
    recipient = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="notifications")
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
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notify_recipient_idx"),
            models.Index(fields=["recipient"], name="notify_unread_idx", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dossier_id or self.petition_id} → {self.recipient_id}"
