"""Files applicants upload (for dossier components a registry cannot supply), scans of paper
documents made by reception officers at the counter (``scanned_by``), and the signed results
agencies issue (``issued_by_agency``); the results' records, the applicants' data wallet and
the links holders share from it.

The bytes live in the private file storage (``MOTCUA_UPLOAD_DIR`` or an S3-compatible bucket,
ADR 0034), never under the web root or a URL, under a random name; this row is
the only way to find them, and it is read only through ``selectors`` (access-checked). The
original file name is kept for display and download, never used as a path.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from motcua.identity.models import Applicant, User


class StoredFile(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="files")
    # an applicant's upload, or a paper document scanned by an official at the counter
    uploaded_by = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="uploads"
    )
    scanned_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="scans"
    )
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)  # of the stored bytes
    # of the bytes received: differs from ``sha256`` when a PDF was rewritten without its active
    # content (``removed_content``) or its damaged structure (ADR 0024); "" on files kept before
    original_sha256 = models.CharField(max_length=64, blank=True)
    removed_content = models.JSONField(default=list, blank=True)  # pdf_safety.Finding values
    storage_name = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # what the platform found when it checked the PDF's own signatures (``verification``):
    # {"status": unsigned|valid|invalid|untrusted|revoked|unreadable, "signer": ..., "signed_at": ...}
    signature = models.JSONField(default=dict, blank=True)
    # an agency's signed result (no uploader, no scanner: the platform made it)
    issued_by_agency = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uploaded_by__isnull=False, scanned_by__isnull=True, issued_by_agency="")
                | models.Q(uploaded_by__isnull=True, scanned_by__isnull=False, issued_by_agency="")
                | models.Q(uploaded_by__isnull=True, scanned_by__isnull=True, issued_by_agency__gt=""),
                name="documents_file_uploaded_scanned_or_issued",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.content_type})"


class IssuedKind(models.TextChoices):
    RESULT = "result", "Result of a dossier"
    RECEIPT = "receipt", "Electronic receipt of a paid fee"


class ResultDocument(models.Model):
    """The signed electronic result of a dossier (PAdES PDF/A), issued at the approval step by
    the dossier's agency. Its ``number`` and ``check_code`` are printed in the QR code; the
    ``digest`` (SHA-256 of the signed byte ranges) finds the record from any copy of the file."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=80, unique=True)
    check_code = models.CharField(max_length=12)
    result_type = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    # a result (one per dossier) or the electronic receipt of its paid fee (one per dossier's
    # payment, issued by the collecting agency: docs/payments.md, ADR 0057)
    kind = models.CharField(max_length=16, choices=IssuedKind.choices, default=IssuedKind.RESULT)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="issued_documents")
    holder = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="results")
    agency_code = models.CharField(max_length=32, db_index=True)
    agency_name = models.CharField(max_length=255)
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="result")
    digest = models.CharField(max_length=64, unique=True)
    signed_at = models.DateTimeField()
    certificate_serial = models.CharField(max_length=64)
    certificate_subject = models.CharField(max_length=500)
    # the approving official (a result); none for a receipt, signed by the agency on payment
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_results"
    )
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="revoked_results"
    )
    revocation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["holder", "-issued_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="documents_result_revoked_with_who",
            ),
            models.UniqueConstraint(
                fields=["dossier", "kind"], name="documents_one_of_each_kind_per_dossier"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class WalletItemKind(models.TextChoices):
    RESULT = "result", "Result issued to the holder"
    UPLOAD = "upload", "Document the holder kept"


class WalletItem(models.Model):
    """One document in an applicant's data wallet (kho quản lý dữ liệu điện tử): a result issued
    to them (added automatically when it is returned), or an upload they chose to keep."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="wallet_items")
    kind = models.CharField(max_length=16, choices=WalletItemKind.choices)
    document_type = models.CharField(max_length=64, blank=True)  # a result type, e.g. birth-extract
    title = models.CharField(max_length=200)
    issuer = models.CharField(max_length=255, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="wallet_items")
    result = models.OneToOneField(
        ResultDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="wallet_item"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "document_type", "-added_at"])]
        constraints = [
            models.UniqueConstraint(fields=["owner", "file"], name="documents_wallet_one_item_per_file"),
            models.CheckConstraint(
                condition=models.Q(kind="result", result__isnull=False)
                | models.Q(kind="upload", result__isnull=True),
                name="documents_wallet_result_items_have_a_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.public_id})"


class ShareLink(models.Model):
    """A time-limited, revocable link to one wallet document for a third party. Only the token's
    SHA-256 is stored; the holder sees the link once, when it is made."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(WalletItem, on_delete=models.CASCADE, related_name="shares")
    token_hash = models.CharField(max_length=64, unique=True)
    recipient = models.CharField(max_length=200, blank=True)  # the holder's note: who it is for
    created_by = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="shares_made")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["item", "-created_at"])]

    def __str__(self) -> str:
        return str(self.public_id)


class ShareOpening(models.Model):
    """One opening of a share link, shown to the holder. The address is kept truncated (the
    network, not the host) and the browser's description shortened: enough to recognise an
    opening, not to track a person."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="openings")
    opened_at = models.DateTimeField(default=timezone.now)
    network = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    downloaded = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["link", "-opened_at"])]

    def __str__(self) -> str:
        return f"{self.link_id} at {self.opened_at:%Y-%m-%d %H:%M}"
