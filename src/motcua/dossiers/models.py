"""Dossiers: the draft (an application being prepared) and the submitted dossier.

A ``Draft`` is the applicant's own workspace for one procedure: the form values they entered
(``entries``, kept even when not yet valid, so nothing typed is lost), the state of every
dossier component (``components``: fetched from a registry, declined, failed, uploaded ...),
and the data the registries returned for it (``fetched``), which is shown read-only and used
nowhere else. Nothing of a draft becomes part of a dossier until the applicant submits; a draft
left untouched for ``MOTCUA_DRAFT_TTL_HOURS`` is deleted with everything fetched for it
(``services.drafts.purge_expired_drafts``). Consents and the exchange log outlive it: they are the
evidence of who fetched what.

A ``Dossier`` (hồ sơ) is what a submission makes of a draft: its code (``<agency>-<yymmdd>-
<sequence>``, from ``DossierCounter``), the channel, the form values, every component with its
provenance (registry, upload, scan, and later wallet), the data fetched for it, and the dates
the one-stop receipt (form 01) states — received, and due (the appointment date) when the
procedure has a statutory time. The draft is deleted in the same transaction. A dossier received
at the counter or by post (``dossiers.counter``) has no draft: it records the reception officer
(``received_by``) and how the person's identity was checked.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.exchange.models import Consent
from motcua.identity.models import Applicant, User
from motcua.workflow.models import ProcessInstance


class ComponentState(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", "Awaiting the applicant's consent"
    NEEDS_SUBJECT = "needs_subject", "Waiting for the subject's ID number"
    FETCHED = "fetched", "Fetched from a registry"
    NOT_FOUND = "not_found", "No record in the registry"
    REFUSED = "refused", "Refused by the registry"
    FAILED = "failed", "Registry unavailable"
    DECLINED = "declined", "Applicant will upload instead"
    MISSING = "missing", "Not yet uploaded"
    UPLOADED = "uploaded", "Uploaded"
    WALLET = "wallet", "Taken from the data wallet"


# The registries' refusals that leave a data component to the applicant's typed entry or upload,
# which the official checks: the registry does not record the applicant as related to the person
# the data is about, or cannot confirm that they may act for the applicant (ADR 0021). Other
# refusals (a consent or legal-basis problem) are the platform's fault, not the applicant's.
RELATION_REFUSALS = frozenset({"not_related", "representation_not_verified"})


def refused_for_relation(entry: dict[str, object]) -> bool:
    """A draft component the registry refused for the applicant's relation to its subject (it
    stays so once the applicant uploads a document instead)."""
    return entry.get("error") in RELATION_REFUSALS and entry.get("state") in {"refused", "uploaded"}


class Draft(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    spec_sha256 = models.CharField(max_length=64)
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="drafts_for")
    created_by = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="drafts")
    commune_code = models.CharField(max_length=5)
    agency_code = models.CharField(max_length=64)
    entries = models.JSONField(default=dict, blank=True)
    components = models.JSONField(default=dict, blank=True)
    fetched = models.JSONField(default=dict, blank=True)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    # an interconnected application (liên thông): this draft is its first member's
    bundle_code = models.CharField(max_length=64, blank=True)
    bundle_members = models.JSONField(default=list, blank=True)  # the chosen members' procedure codes
    bundle_entries = models.JSONField(
        default=dict, blank=True
    )  # {procedure: {field: value}} of later members

    class Meta:
        indexes = [models.Index(fields=["created_by", "-updated_at"], name="dossiers_draft_owner_idx")]
        constraints = [
            # one open draft per procedure, person, place and kind (plain or a bundle's): starting
            # again resumes it, and two starts racing each other cannot make two
            models.UniqueConstraint(
                fields=["created_by", "applicant", "procedure", "commune_code", "bundle_code"],
                name="dossiers_draft_one_open",
            )
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class Channel(models.TextChoices):
    """How a dossier arrived (Decision 766 ``KenhThucHien``: 1 counter, 2 online, 3 post)."""

    ONLINE = "online", "Online"
    COUNTER = "counter", "At the counter"
    POST = "post", "By post"


class IdentityCheck(models.TextChoices):
    """How the reception officer checked who the person is, for a dossier received at the
    counter or by post (online, the electronic identity did it)."""

    CHIP_CARD = "chip_card", "Chip of the ID card read"
    PAPER_ID = "paper_id", "ID card shown"
    POST_COPY = "post_copy", "Copy of the ID card enclosed (post)"


class DossierStatus(models.TextChoices):
    """The statuses the national portal synchronises (domain notes §2.5)."""

    RECEIVED = "received", "Received"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Supplement requested"
    PROCESSED = "processed", "Processed"
    RESULT_RETURNED = "result_returned", "Result returned"
    STOPPED = "stopped", "Processing stopped"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn by the applicant"


class Step(models.TextChoices):
    """Where a dossier stands in its one-stop process: the BPMN user task waiting for a decision
    (``workflow/processes/onestop.bpmn``), or ``done``. Kept on the dossier so the inbox never
    has to load the process."""

    RECEPTION = "reception_check", "Reception"
    SUPPLEMENT_AT_RECEPTION = "supplement_at_reception", "Waiting for the applicant's supplement"
    HANDLING = "handling", "Handling"
    SUPPLEMENT_AT_HANDLING = "supplement_at_handling", "Waiting for the applicant's supplement"
    APPROVAL = "approval", "Approval and signature"
    RESULT_RETURN = "result_return", "Result return"
    DONE = "done", "Finished"


# still work for the agency: the result of a processed dossier has yet to be returned
OPEN_STATUSES = (DossierStatus.RECEIVED, DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PROCESSED)


class DeadlineFlag(models.TextChoices):
    """The deadline state last recorded by the periodic check (``services.deadlines.flag_deadlines``)."""

    ON_TIME = "on_time", "On time"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    PAUSED = "paused", "Clock paused"
    NONE = "none", "No deadline"


class Provenance(models.TextChoices):
    """Where a dossier component came from (Decision 766 counts reuse from data and wallet)."""

    REGISTRY = "registry", "National registry"
    LINKED = "linked", "From the linked dossier (interconnection)"
    UPLOAD = "upload", "Uploaded by the applicant"
    WALLET = "wallet", "Data wallet"
    SCAN = "scan", "Scanned at the counter"
    DECLARED = "declared", "Typed by the applicant, the registry having refused (the official checks it)"
    NONE = "none", "Not provided (optional)"


class BundleApplication(models.Model):
    """One application for an interconnected procedure group (hồ sơ liên thông): its first member
    is submitted like any dossier; each later member becomes a dossier of its own agency, with its
    own deadline, once the members it follows have their result (``services.bundles.advance``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bundle_code = models.CharField(max_length=64)
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="bundle_applications_for")
    submitted_by = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="bundle_applications")
    members = models.JSONField()  # the chosen members' procedure codes, in the bundle's order
    entries = models.JSONField(default=dict)  # {procedure: {field: value}}: what later members need
    commune_code = models.CharField(max_length=5)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.bundle_code} {self.public_id}"


class Dossier(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=64, unique=True)
    draft_public_id = models.UUIDField(unique=True, null=True, blank=True)  # a repeated submit finds it
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    spec_sha256 = models.CharField(max_length=64)
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="dossiers_for")
    submitted_by = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="dossiers_submitted")
    # counter and post: the reception officer who received it, how they checked the person's
    # identity, and the key a retried submission is recognised by
    received_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers_received"
    )
    identity_check = models.CharField(max_length=16, choices=IdentityCheck.choices, blank=True)
    submission_key = models.UUIDField(unique=True, null=True, blank=True)
    commune_code = models.CharField(max_length=5)
    agency_code = models.CharField(max_length=64, db_index=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=32, choices=DossierStatus.choices, default=DossierStatus.RECEIVED)
    entries = models.JSONField(default=dict, blank=True)
    components = models.JSONField(default=dict, blank=True)
    fetched = models.JSONField(default=dict, blank=True)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    received_at = models.DateTimeField()
    due_on = models.DateField(null=True, blank=True)  # the appointment date; None: no statutory time
    working_days = models.PositiveIntegerField(null=True, blank=True)
    # the fee (lệ phí) set at submission from the spec: none, a fixed amount, or its DMN table on
    # the form's values; None when the catalog does not set it. ``fee_basis`` says how (kind, the
    # table's file and content hash, the rule that matched)
    fee_vnd = models.PositiveBigIntegerField(null=True, blank=True)
    fee_basis = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # processing (one-stop workflow)
    process = models.OneToOneField(
        ProcessInstance, null=True, blank=True, on_delete=models.PROTECT, related_name="dossier"
    )
    step = models.CharField(max_length=32, choices=Step.choices, default=Step.RECEPTION)
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_dossiers"
    )
    original_due_on = models.DateField(null=True, blank=True)  # the date on the receipt (form 01)
    supplement_requests = models.PositiveSmallIntegerField(default=0)
    paused_since = models.DateTimeField(null=True, blank=True)  # the clock stops while supplementing
    deadline_flag = models.CharField(
        max_length=16, choices=DeadlineFlag.choices, default=DeadlineFlag.ON_TIME
    )
    finished_at = models.DateTimeField(null=True, blank=True)  # processing ended (NgayKetThucXuLy)
    returned_at = models.DateTimeField(null=True, blank=True)  # result returned
    result = models.JSONField(default=dict, blank=True)  # the result's data (e.g. the personal ID assigned)
    # interconnection: the application this dossier is a member of, and the dossier it follows from
    bundle_application = models.ForeignKey(
        BundleApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    linked_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="linked_dossiers"
    )

    class Meta:
        constraints = [
            # online dossiers arrive by themselves; counter and post ones are received by an official
            models.CheckConstraint(
                condition=(
                    models.Q(channel="online", received_by__isnull=True, identity_check="")
                    | (
                        ~models.Q(channel="online")
                        & models.Q(received_by__isnull=False)
                        & ~models.Q(identity_check="")
                    )
                ),
                name="dossiers_reception_matches_channel",
            ),
            models.UniqueConstraint(
                fields=["bundle_application", "procedure"],
                condition=models.Q(bundle_application__isnull=False),
                name="dossiers_one_per_bundle_member",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant", "-submitted_at"], name="dossiers_applicant_idx"),
            models.Index(fields=["submitted_by", "-submitted_at"], name="dossiers_submitter_idx"),
            # the inbox: counts per status and deadline, and the order of a page, from the index alone
            models.Index(
                fields=["agency_code", "status", "due_on", "submitted_at"], name="dossiers_inbox_status_idx"
            ),
            models.Index(fields=["agency_code", "due_on", "submitted_at"], name="dossiers_inbox_due_idx"),
            # the work queue (open dossiers only: a fifth of them, and the part that changes): its
            # counts and the order of its pages, index-only on PostgreSQL — id and status are
            # columns, so neither the ordering nor COUNT(*) … GROUP BY status reads a row
            models.Index(
                fields=["agency_code", "due_on", "submitted_at", "id", "status"],
                name="dossiers_inbox_open_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(fields=["agency_code", "step", "due_on"], name="dossiers_inbox_step_idx"),
            # the periodic deadline check reads only open dossiers with a date
            models.Index(fields=["due_on", "deadline_flag"], name="dossiers_deadline_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class DossierCounter(models.Model):
    """The last sequence number given to a dossier of one agency on one (local) day; incremented
    by a single ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` so concurrent submissions never
    share a number."""

    agency_code = models.CharField(max_length=64)
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_code", "day"], name="dossiers_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day}: {self.last_number}"


class NoticeForm(models.TextChoices):
    """The one-stop forms an agency issues about a dossier (Thông tư 03/2025/TT-VPCP, Appendix I)."""

    SUPPLEMENT = "02", "Request to supplement the dossier"
    REFUSAL = "03", "Refusal to receive the dossier"
    APOLOGY = "04", "Apology and new appointment date"
    STOP = "05", "Notice that processing stopped"
    TRANSFER = "transfer", "Transfer to another agency"
    WITHDRAWAL = "withdrawal", "Withdrawal confirmed"


class Notice(models.Model):
    """One notice about a dossier, shown to the applicant and kept as the agency's record: what
    was decided, why, by whom, and (for form 02) what is missing or (for form 04) the new date."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="notices")
    form = models.CharField(max_length=16, choices=NoticeForm.choices)
    number = models.CharField(max_length=80, unique=True)  # <dossier code>/<form>-<n>
    step = models.CharField(max_length=32, choices=Step.choices)
    reason = models.TextField()
    items = models.JSONField(default=list, blank=True)  # form 02: [{"component"|"field": id}]
    new_due_on = models.DateField(null=True, blank=True)  # form 04
    agency_code = models.CharField(max_length=64)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["dossier", "issued_at"], name="dossiers_notice_idx")]

    def __str__(self) -> str:
        return self.number


class ClockPause(models.Model):
    """A stretch of time the processing clock stood still (waiting for a supplement); the
    working days it lasted were added to the appointment date when it ended."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="pauses")
    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="pause")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    working_days = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.started_at:%Y-%m-%d}"
