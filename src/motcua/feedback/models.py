"""Ratings of finished dossiers and petitions (phản ánh, kiến nghị — PAKN).

A rating keeps no reference to the person who gave it: it belongs to the dossier, so the
officials rated read the level, the criteria and the comment, never who said it (the audit
entry of the change keeps the actor, as every audit entry does). A petition keeps its
petitioner (an applicant, or a contact given by someone not signed in) apart from what is
published: the public page shows only the masked copy made at publication.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.identity.models import Applicant, User


class Level(models.TextChoices):
    """The three-level satisfaction scale of the national portal (domain notes B.2)."""

    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    SATISFIED = "satisfied", _("Satisfied")
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")


class Criterion(models.TextChoices):
    """The nine criteria of the one-stop evaluation form (domain notes B.2; [M] for the articles
    of Decree 61/2018 and Circular 01/2018 that carry them)."""

    TOTAL_TIME = "total_time", _("Total time compared with the legal time limit")
    AGENCY_TIME = "agency_time", _("Time taken by each agency involved")
    CONTACTS = "contacts", _("How often you had to contact the desk to complete the dossier")
    AGENCIES_CONTACTED = "agencies_contacted", _("How many agencies you had to contact")
    ONE_STOP = "one_stop", _("Receipt, handling and return through the one-stop desk")
    PUBLICITY = "publicity", _("Publication of the procedure")
    ATTITUDE = "attitude", _("Officials' attitude when guiding, receiving and handling")
    FEEDBACK_UPTAKE = "feedback_uptake", _("How feedback and petitions were taken up and explained")
    ONLINE_QUALITY = "online_quality", _("Progress and quality of the online service")


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")


class RatingInvitation(models.Model):
    """The ask: one per finished dossier, made from the dossier's closing event."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="+")
    agency_code = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"rate {self.dossier_id}"


class Rating(models.Model):
    """One per dossier; changeable until ``changeable_until``."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="+")
    procedure_code = models.CharField(max_length=64)
    agency_code = models.CharField(max_length=64)
    unit_code = models.CharField(max_length=5)
    overall = models.CharField(max_length=16, choices=Level.choices)
    criteria = models.JSONField(default=dict, blank=True)  # {criterion: level}, those answered
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=16, choices=RatingChannel.choices)
    rated_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)
    changeable_until = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["agency_code", "-rated_at"], name="feedback_rating_agency_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(overall__in=Level.values), name="feedback_rating_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.overall}"


class CounterRatingScreen(models.Model):
    """A rating screen an officer opens for one dossier at the counter and hands over: the
    person rates without an account. Only the token's hash is stored; it works once, briefly."""

    token_sha256 = models.CharField(max_length=64, unique=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"counter screen {self.dossier_id}"


class PetitionCategory(models.TextChoices):
    """What a petition is about. Decision 766 indicator 5.1 splits regulations and procedures
    from officials' conduct."""

    PROCEDURE = "procedure", _("An administrative procedure")
    REGULATION = "regulation", _("A regulation")
    CONDUCT = "conduct", _("An official's conduct")
    DOSSIER = "dossier", _("One of my dossiers")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    INFO_REQUESTED = "info_requested", _("More information requested")
    ANSWERED = "answered", _("Answered, to be published")
    PUBLISHED = "published", _("Answer published")
    REFUSED = "refused", _("Refused")


OPEN_PETITION_STATUSES = (PetitionStatus.RECEIVED, PetitionStatus.INFO_REQUESTED, PetitionStatus.ANSWERED)


class PetitionChannel(models.TextChoices):
    """How a petition reached the agency: sent online by the petitioner, or received on paper,
    by phone or in person and entered by an official on their behalf (Decision 31/2021
    Art. 43(2) [M])."""

    ONLINE = "online", _("Online")
    LETTER = "letter", _("By letter")
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")


STAFF_CHANNELS = (PetitionChannel.LETTER, PetitionChannel.PHONE, PetitionChannel.IN_PERSON)


class StepKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")
    INFO_REQUESTED = "info_requested", _("More information requested")
    INFO_RECEIVED = "info_received", _("Information sent by the petitioner")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Answer published")


class Petition(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=32, unique=True)
    # a petitioner who is not signed in follows it with the code and this key (its hash only)
    access_key_sha256 = models.CharField(max_length=64, blank=True)
    submission_key = models.UUIDField(unique=True, null=True, blank=True)  # a repeated send finds it
    applicant = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="petitions"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=16, choices=PetitionCategory.choices)
    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency_code = models.CharField(max_length=64)
    unit_code = models.CharField(max_length=5)
    subject = models.CharField(max_length=200)
    content = models.TextField()
    attachments = models.JSONField(default=list, blank=True)  # StoredFile public ids (the petitioner's)
    status = models.CharField(max_length=16, choices=PetitionStatus.choices, default=PetitionStatus.RECEIVED)
    received_at = models.DateTimeField(default=timezone.now)
    # the day the competent agency's clock starts: the receipt, or the last transfer
    clock_started_on = models.DateField()
    paused_on = models.DateField(null=True, blank=True)  # waiting for the petitioner's information
    paused_days = models.PositiveIntegerField(default=0)  # working days the clock stood still
    due_on = models.DateField(null=True, blank=True)  # the current step's deadline (None: paused or closed)
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    # the masked copy the public page shows, made at publication
    public_subject = models.CharField(max_length=200, blank=True)
    public_content = models.TextField(blank=True)
    public_answer = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats"
    )
    # an official's link (``repeat_of`` set or cleared by hand), not the automatic rule
    repeat_linked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=16, choices=PetitionChannel.choices, default=PetitionChannel.ONLINE)
    # the official who entered a petition received by letter, phone or in person
    entered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    useful_count = models.PositiveIntegerField(default=0)
    not_useful_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["agency_code", "status", "due_on"], name="feedback_petition_inbox_idx"),
            models.Index(fields=["applicant", "-received_at"], name="feedback_petition_owner_idx"),
            models.Index(fields=["-published_at"], name="feedback_petition_public_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=PetitionCategory.values), name="feedback_petition_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=PetitionChannel.values), name="feedback_petition_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(applicant__isnull=False)
                | ~Q(contact_name="") & (~Q(contact_email="") | ~Q(contact_phone="")),
                name="feedback_petition_has_petitioner",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class PetitionStep(models.Model):
    """One step of a petition's handling, as the petitioner's timeline and the inbox show it."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=16, choices=StepKind.choices)
    at = models.DateTimeField(default=timezone.now)
    official = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)  # the reason, question, information or answer
    from_agency = models.CharField(max_length=64, blank=True)
    to_agency = models.CharField(max_length=64, blank=True)
    due_on = models.DateField(null=True, blank=True)  # the deadline the step was measured against
    on_time = models.BooleanField(null=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.step}"


class PetitionScan(models.Model):
    """A paper letter (or its enclosures) scanned by the official who entered the petition: the
    bytes checked and kept under the same rules as every upload (``documents.storage``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="scans")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    scanned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.petition_id} {self.original_name}"


class AnswerMark(models.Model):
    """One reader's "useful" or "not useful" on a published answer (changeable, never doubled):
    ``voter_sha256`` is the hash of the applicant's id or of an anonymous browser's session."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="marks")
    voter_sha256 = models.CharField(max_length=64)
    useful = models.BooleanField()
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "voter_sha256"], name="feedback_one_mark_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {'+' if self.useful else '-'}"
