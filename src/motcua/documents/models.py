"""Files applicants upload (for dossier components a registry cannot supply), and scans of
paper documents made by reception officers at the counter (``scanned_by``).

The bytes live outside the web root (``MOTCUA_UPLOAD_DIR``) under a random name; this row is
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
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uploaded_by__isnull=False, scanned_by__isnull=True)
                | models.Q(uploaded_by__isnull=True, scanned_by__isnull=False),
                name="documents_file_uploaded_or_scanned",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.content_type})"
