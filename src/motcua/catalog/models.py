"""Database rows for the published catalog, synced from the shipped specs (``services.sync_catalog``).

The YAML spec is the source of truth; these rows exist for search, filtering, and so that a
dossier can refer to the exact spec version (``spec_sha256``) it was filed under.
"""

from __future__ import annotations

from django.db import models


class Procedure(models.Model):
    code = models.CharField(max_length=64, unique=True)
    national_code = models.CharField(max_length=16, blank=True)
    name_vi = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    sector_code = models.CharField(max_length=64, db_index=True)
    sector_vi = models.CharField(max_length=128)
    sector_en = models.CharField(max_length=128)
    level = models.CharField(max_length=16, blank=True, db_index=True)
    agency_type = models.CharField(max_length=48, blank=True, db_index=True)
    processing_days = models.PositiveIntegerField(null=True, blank=True)
    online_level = models.CharField(max_length=16, blank=True)
    fee_kind = models.CharField(max_length=16, blank=True)
    spec = models.JSONField()
    spec_sha256 = models.CharField(max_length=64)
    source_file = models.CharField(max_length=255)
    search_text = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    published_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_vi"]

    def __str__(self) -> str:
        return self.name_vi


class ProcedureSpecVersion(models.Model):
    """Every version of a procedure's spec ever published, by the hash of its file: a draft or
    dossier names the version it was filed under (its ``spec_sha256``), and reads its labels,
    form and components from that version even after the procedure is published again
    (ADR 0039). Rows are written by ``services.sync_catalog`` and never changed."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="spec_versions")
    sha256 = models.CharField(max_length=64, unique=True)
    spec = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["procedure", "published_at"]

    def __str__(self) -> str:
        return f"{self.procedure.code}@{self.sha256[:12]}"


class Bundle(models.Model):
    """An interconnected procedure group (liên thông)."""

    code = models.CharField(max_length=64, unique=True)
    name_vi = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    spec = models.JSONField()
    spec_sha256 = models.CharField(max_length=64)
    source_file = models.CharField(max_length=255)
    procedures = models.ManyToManyField(Procedure, through="BundleMember", related_name="bundles")
    is_active = models.BooleanField(default=True)
    published_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_vi"]

    def __str__(self) -> str:
        return self.name_vi


class BundleMember(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="members")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    is_optional = models.BooleanField(default=False)

    class Meta:
        ordering = ["bundle", "position"]
        constraints = [models.UniqueConstraint(fields=["bundle", "position"], name="catalog_member_position")]

    def __str__(self) -> str:
        return f"{self.bundle.code}[{self.position}] {self.procedure.code}"
