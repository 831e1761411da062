"""The figures of the Decision 766 index, kept up to date from the event log (ADR 0047).

``DossierFact`` and ``PetitionFact`` hold, per dossier and per petition, what the indicators read
(folded from that subject's events: ``facts.fold_event``). ``Counter`` holds sums per scope, period
and input (``facts.contributions`` of every fact). The outbox handler changes both in the event's
own delivery savepoint, by the difference between a fact's contributions before and after the
event, so a counter is always the sum over the facts; ``motcua metrics recompute`` rebuilds all
three from the event log and must give the same rows. ``Target`` is a steering target (Plan 02).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ScopeKind(models.TextChoices):
    NATION = "nation", "Nation"
    PROVINCE = "province", "Province"
    COMMUNE = "commune", "Commune"
    SECTOR = "sector", "Ministry or sector"


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"


class DossierFact(models.Model):
    """What the indicators read of one dossier, as of the last event folded into it."""

    dossier_code = models.CharField(max_length=64, unique=True)
    dossier_id = models.BigIntegerField(null=True, blank=True)  # feedback events name the id
    last_event_id = models.BigIntegerField(default=0)
    procedure_code = models.CharField(max_length=64)
    sector_code = models.CharField(max_length=64, blank=True)
    agency_code = models.CharField(max_length=64)
    commune_code = models.CharField(max_length=5, blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    data = models.JSONField(default=dict)  # the folded inputs (facts.DossierInputs)

    class Meta:
        indexes = [
            models.Index(fields=["commune_code", "procedure_code"], name="metrics_fact_commune_idx"),
            models.Index(fields=["province_code"], name="metrics_fact_province_idx"),
        ]

    def __str__(self) -> str:
        return self.dossier_code


class PetitionFact(models.Model):
    """What indicators 5.2–5.4 read of one petition (PAKN), folded from the feedback events."""

    petition_id = models.BigIntegerField(unique=True)
    last_event_id = models.BigIntegerField(default=0)
    agency_code = models.CharField(max_length=64, blank=True)
    commune_code = models.CharField(max_length=5, blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    sector_code = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return str(self.petition_id)


class Counter(models.Model):
    """One input of the index for one scope and period: the sum of the facts' contributions."""

    scope_kind = models.CharField(max_length=16, choices=ScopeKind.choices)
    scope_code = models.CharField(max_length=64)
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    key = models.CharField(max_length=96)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_code", "period_kind", "period_start", "key"],
                name="metrics_counter_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_kind}:{self.scope_code} {self.period_kind} {self.period_start} {self.key}"


class Target(models.Model):
    """A steering target (Plan 02): for one scope and period, the value an indicator must reach,
    the leader who answers for it and the date it is due. Set and changed by the supervising
    level through ``services.set_target`` (audited)."""

    scope_kind = models.CharField(max_length=16, choices=ScopeKind.choices)
    scope_code = models.CharField(max_length=64)
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    indicator = models.CharField(max_length=32)
    target_percent = models.DecimalField(max_digits=5, decimal_places=2)
    leader_name = models.CharField(max_length=200)
    due_on = models.DateField()
    set_by = models.CharField(max_length=160)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_code", "period_kind", "period_start", "indicator"],
                name="metrics_target_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_kind}:{self.scope_code} {self.indicator} ≥ {self.target_percent}%"


class FollowUpReport(models.Model):
    """The five-day follow-up report (Plan 02 steering [M]): the scopes behind one of their
    targets, by how much and since when, with their responsible leaders, as on ``created_on``.
    Kept as rows; its PDF and XLSX are drawn from them when downloaded."""

    created_on = models.DateField(unique=True)
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    rows = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"follow-up {self.created_on}"


class Summary(models.Model):
    """The figures of one scope and period as the pages read them (ADR 0059): the total, each
    indicator's numerator and denominator, and the counters the charts draw. Kept by the outbox
    handler with the counters it changes (``summaries.refresh``) and rebuilt by ``motcua metrics
    recompute``; a scope and period has a row exactly when it has a non-zero counter."""

    scope_kind = models.CharField(max_length=16, choices=ScopeKind.choices)
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    scope_code = models.CharField(max_length=64)
    total = models.DecimalField(max_digits=6, decimal_places=2)
    figures = models.JSONField(default=dict)  # indicator id → [numerator, denominator]
    values = models.JSONField(default=dict)  # the counters the dashboard's charts draw

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "period_kind", "period_start", "scope_code"],
                name="metrics_summary_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_kind}:{self.scope_code} {self.period_kind} {self.period_start}: {self.total}"
