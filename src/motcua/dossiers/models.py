"""Dossiers. So far the draft: an application being prepared, before it is submitted.

A ``Draft`` is the applicant's own workspace for one procedure: the form values they entered
(``entries``, kept even when not yet valid, so nothing typed is lost), the state of every
dossier component (``components``: fetched from a registry, declined, failed, uploaded ...),
and the data the registries returned for it (``fetched``), which is shown read-only and used
nowhere else. Nothing of a draft becomes part of a dossier until the applicant submits; a draft
left untouched for ``MOTCUA_DRAFT_TTL_HOURS`` is deleted with everything fetched for it
(``services.purge_expired_drafts``). Consents and the exchange log outlive it: they are the
evidence of who fetched what.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.exchange.models import Consent
from motcua.identity.models import Applicant


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

    class Meta:
        indexes = [models.Index(fields=["created_by", "-updated_at"], name="dossiers_draft_owner_idx")]

    def __str__(self) -> str:
        return str(self.public_id)
