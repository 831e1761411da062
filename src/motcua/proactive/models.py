"""Proactive offers (ADR 0064, docs/proactive.md).

- ``Offer``: one procedure offered to one person because of one registry change (exchange's
  ``RegistryChange``) under one catalog rule: to whom (their personal ID number, and their
  account once they have one), about whom (the change's subject), why (the rule, the change's
  kind and date, and ``facts``: the data of the change the offer used) and what is prefilled.
  Made once per change, rule and person; dismissed or taken, never deleted.
- ``OfferPreferences``: what a person turned off: one kind of offer (a rule) or all of them.
  No offer is made to someone who turned it off; the change is then recorded as skipped.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from motcua.exchange.models import RegistryChange


class OfferStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    TAKEN = "taken", "Taken"


class Offer(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient_personal_id = models.CharField(max_length=12)
    subject_personal_id = models.CharField(max_length=12)  # whom the change is about
    change = models.ForeignKey(RegistryChange, on_delete=models.PROTECT, related_name="offers")
    procedure_code = models.CharField(max_length=64)
    rule_id = models.CharField(max_length=64)
    level = models.CharField(max_length=16)  # remind | prefilled | grant
    facts = models.JSONField(default=dict)  # the change's data the offer shows and used
    prefill = models.JSONField(default=dict)  # form field -> value
    status = models.CharField(max_length=16, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    draft_public_id = models.CharField(max_length=36, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "rule_id", "recipient_personal_id"], name="proactive_offer_once"
            )
        ]
        indexes = [
            models.Index(fields=["recipient_personal_id", "status"], name="proactive_offer_person_idx")
        ]

    def __str__(self) -> str:
        return f"{self.procedure_code}/{self.rule_id} {self.status}"


class OfferPreferences(models.Model):
    personal_id = models.CharField(max_length=12, unique=True)
    all_off = models.BooleanField(default=False)
    rules_off = models.JSONField(default=list)  # rule ids the person turned off
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"preferences {self.pk}"
