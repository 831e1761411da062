"""The platform's side of the once-only exchange: agency keys, consents and the exchange log.

- ``AgencyKey``: an agency's Ed25519 key pair. The private half is stored sealed (AES-GCM under
  the key-encryption key from ``MOTCUA_EXCHANGE_KEY_SECRET``), never in clear; the public half
  is what the registries register. At most one active and one pending key per agency: a
  rotation creates the pending key, registers it, then activates it (docs/exchange.md).
- ``Consent``: what an applicant agreed to have fetched for one draft — which components, from
  which registries, which fields, under which legal basis — and what they declined. Its
  ``public_id`` travels in every request as the ``jti`` of the consent token the platform signs
  for that request (``exchange.tokens``, ADR 0022).
- ``RegistryWrite``: one write the platform owes a registry (ADR 0043): queued in the
  transaction that decided it, sent after commit with retries, and kept with the registry's
  answer; a refused or undeliverable write stays for an official to retry or resolve.
- ``Exchange``: one row per registry call, written once after the call: the platform's own
  log, linked to the draft or dossier by ``dossier_ref``, to the consent, and to the registry's
  log entry. It holds the subject's masked ID only; the fetched data is not here.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.db import models
from django.db.models import Q
from django.utils import timezone

from motcua.identity.models import Applicant


class KeyStatus(models.TextChoices):
    PENDING = "pending", "Pending registration"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class AgencyKey(models.Model):
    agency_code = models.CharField(max_length=64)
    kid = models.CharField(max_length=64, unique=True)
    public_jwk = models.JSONField()
    sealed_private_key = models.BinaryField()
    status = models.CharField(max_length=16, choices=KeyStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency_code"], condition=Q(status="active"), name="exchange_one_active_key"
            ),
            models.UniqueConstraint(
                fields=["agency_code"], condition=Q(status="pending"), name="exchange_one_pending_key"
            ),
        ]
        indexes = [models.Index(fields=["agency_code", "status"], name="exchange_key_agency_idx")]

    def __str__(self) -> str:
        return f"{self.agency_code}:{self.kid[:12]} ({self.status})"


class Consent(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_by = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="consents_given")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="consents")
    procedure_code = models.CharField(max_length=64)
    dossier_ref = models.CharField(max_length=64, db_index=True)
    agency_code = models.CharField(max_length=64)
    components = models.JSONField(default=list)  # [{component, registry, fields, legal_basis_code, subject}]
    declined = models.JSONField(default=list)  # component ids the applicant will upload instead
    given_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.public_id)


class ExchangeStatus(models.TextChoices):
    OK = "ok", "Data received"
    NOT_FOUND = "not_found", "No record"
    REFUSED = "refused", "Refused by the registry"
    UNAVAILABLE = "unavailable", "Registry unavailable"
    TIMEOUT = "timeout", "No answer in time"
    CIRCUIT_OPEN = "circuit_open", "Registry marked unavailable"
    INVALID_RESPONSE = "invalid_response", "Answer failed verification"


class Exchange(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # request_id
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="exchanges")
    dossier_ref = models.CharField(max_length=64)
    component_id = models.CharField(max_length=64)
    registry = models.CharField(max_length=32)
    agency_code = models.CharField(max_length=64)
    procedure_code = models.CharField(max_length=64)
    legal_basis_code = models.CharField(max_length=64)
    subject_masked = models.CharField(max_length=16)
    fields = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=ExchangeStatus.choices)
    error_code = models.CharField(max_length=40, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    registry_log_entry = models.CharField(max_length=64, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["dossier_ref", "id"], name="exchange_dossier_idx")]

    def __str__(self) -> str:
        return f"{self.registry}:{self.component_id} {self.status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("The exchange log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("The exchange log is append-only.")


class WriteStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    DONE = "done", "Written by the registry"
    REFUSED = "refused", "Refused by the registry"
    FAILED = "failed", "Could not be delivered"
    RESOLVED = "resolved", "Resolved by an official"


# A write an official has to look at: the registry refused it, or it could not be delivered.
NEEDS_ATTENTION = (WriteStatus.REFUSED, WriteStatus.FAILED)


class RegistryWrite(models.Model):
    """One signed write to a registry. ``public_id`` is the request id the registry applies once,
    so every retry, by the platform or by an official, sends the same id and body."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # request_id
    registry = models.CharField(max_length=32)
    operation = models.CharField(max_length=40)
    subject = models.CharField(max_length=16)  # needed to send it; shown masked
    body = models.JSONField(default=dict)
    agency_code = models.CharField(max_length=64)
    procedure_code = models.CharField(max_length=64)
    dossier_ref = models.CharField(max_length=64)
    legal_basis_code = models.CharField(max_length=64)
    purpose = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=WriteStatus.choices, default=WriteStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(null=True, blank=True)  # the registry's answer data, once written
    registry_log_entry = models.CharField(max_length=64, blank=True)
    resolution_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="exchange_write_due_idx"),
            models.Index(fields=["agency_code", "status"], name="exchange_write_agency_idx"),
            models.Index(fields=["dossier_ref"], name="exchange_write_dossier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.registry}.{self.operation} {self.status}"


class FeedCursor(models.Model):
    """How far the platform has read one registry's change feed (ADR 0063): the last change
    accepted (``last_seq``) and its hash, which the next page must continue."""

    registry = models.CharField(max_length=32, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_read_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)  # the last read's failure, if any
    error_message = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.registry} @{self.last_seq}"


class RegistryChange(models.Model):
    """One change received from a registry's feed, kept once (unique registry and seq): what the
    proactive rules read. ``subject`` is the person the change is about."""

    registry = models.CharField(max_length=32)
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=32)
    subject = models.CharField(max_length=16)
    occurred_on = models.DateField()
    data = models.JSONField(default=dict)
    change_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["registry", "seq"], name="exchange_change_once")]
        indexes = [models.Index(fields=["subject"], name="exchange_change_subject_idx")]

    def __str__(self) -> str:
        return f"{self.registry}#{self.seq} {self.kind}"
