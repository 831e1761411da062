"""Reads of the Decision 766 figures. The figures are aggregates the index publishes, public at
every scope; the dossiers behind a number are read through ``dossiers.selectors``, so an official
sees only the dossiers of the agencies in their scope."""

from __future__ import annotations

import datetime
from collections import Counter as Tally
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.lint import lint_catalog
from motcua.catalog.models import Procedure
from motcua.catalog.specs import load_catalog
from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.identity.actors import RequestActor
from motcua.metrics import facts, indicators
from motcua.metrics.indicators import GROUPS, Figure, Indicator, Source
from motcua.metrics.models import Counter, DossierFact, ScopeKind, Target
from motcua.metrics.periods import Period
from motcua.units.models import Commune, Province


@dataclass(frozen=True)
class Scope:
    kind: str
    code: str


NATION = Scope(ScopeKind.NATION, facts.NATION)


@dataclass
class IndicatorResult:
    indicator: Indicator
    figure: Figure | None  # None: not computable
    target: Decimal | None = None  # the steering target, if any


@dataclass
class GroupResult:
    group: indicators.Group
    results: list[IndicatorResult]

    @property
    def score(self) -> Decimal:
        return indicators.rounded(
            sum((r.figure.score for r in self.results if r.figure and r.figure.score), Decimal(0))
        )

    @property
    def computable_points(self) -> Decimal:
        return sum((r.indicator.max_points for r in self.results if r.figure is not None), Decimal(0))


@dataclass
class Report:
    scope: Scope
    period: Period
    groups: list[GroupResult] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return indicators.rounded(sum((g.score for g in self.groups), Decimal(0)))

    @property
    def band(self) -> str:
        return indicators.band(self.total)[0]

    def result(self, indicator_id: str) -> IndicatorResult:
        return next(r for g in self.groups for r in g.results if r.indicator.id == indicator_id)


def get_scope(kind: str, code: str) -> tuple[Scope, str]:
    """A scope and its name; NotFound for one that does not exist."""
    name: str | None = None
    if kind == ScopeKind.NATION:
        return NATION, "Việt Nam"
    if kind == ScopeKind.PROVINCE:
        name = Province.objects.filter(code=code).values_list("name", flat=True).first()
    elif kind == ScopeKind.COMMUNE:
        name = Commune.objects.filter(code=code).values_list("name", flat=True).first()
    elif kind == ScopeKind.SECTOR:
        name = Procedure.objects.filter(sector_code=code).values_list("sector_vi", flat=True).first()
    if name is None:
        raise NotFound(_("No such scope."))
    return Scope(kind, code), name


# --- the catalog's measures (now, not per period) --------------------------------------------


@lru_cache(maxsize=1)
def _complete_codes() -> frozenset[str]:
    """Procedures whose spec states every element of Decree 63/2010 Art. 8(2) (``catalog lint``)."""
    return frozenset(p.code for p in lint_catalog(load_catalog()).procedures if not p.missing_elements)


def catalog_measures(scope: Scope) -> dict[str, int]:
    """1.3, 3.1 and the catalog denominators: the procedures the scope handles."""
    rows = Procedure.objects.filter(is_active=True)
    if scope.kind == ScopeKind.COMMUNE:
        rows = rows.filter(level="commune")
    elif scope.kind == ScopeKind.SECTOR:
        rows = rows.filter(sector_code=scope.code)
    listed = list(rows.values_list("code", "online_level", "fee_kind"))
    complete = _complete_codes()
    return {
        "procedures": len(listed),
        "complete": sum(code in complete for code, _, _ in listed),
        "full_process": sum(level == "full" for _, level, _ in listed),
        "catalog:online_procedures": sum(level in ("full", "partial") for _, level, _ in listed),
        "catalog:fee_procedures": sum(fee in facts.FEE_BEARING for _, _, fee in listed),
    }


# --- the figures --------------------------------------------------------------------------------


def _value(indicator: Indicator, key: str, values: Mapping[str, int]) -> int:
    if indicator.distinct and not key.startswith("catalog:"):
        return sum(1 for name, value in values.items() if name.startswith(key) and value > 0)
    return int(values.get(key, 0))


def build_report(
    scope: Scope, period: Period, values: Mapping[str, int], targets: Mapping[str, Decimal] | None = None
) -> Report:
    """The report of one scope and period from its counter values (and the catalog's measures)."""
    values = {**values, **catalog_measures(scope)}
    report = Report(scope, period)
    for group in GROUPS:
        results = []
        for indicator in indicators.DEFINITIONS:
            if indicator.group != group.number:
                continue
            if indicator.source == Source.NONE:
                results.append(IndicatorResult(indicator, None))
                continue
            numerator = 0
            for key in indicator.numerator:
                sign, name = (-1, key[1:]) if key.startswith("-") else (1, key)
                numerator += sign * _value(indicator, name, values)
            denominator = _value(indicator, indicator.denominator, values)
            target = (targets or {}).get(indicator.id, indicators.DEFAULT_TARGETS.get(indicator.id))
            results.append(
                IndicatorResult(indicator, indicators.score(indicator, numerator, denominator), target)
            )
        report.groups.append(GroupResult(group, results))
    return report


def counter_values(scope: Scope, period: Period) -> dict[str, int]:
    rows = Counter.objects.filter(
        scope_kind=scope.kind, scope_code=scope.code, period_kind=period.kind, period_start=period.start
    ).values_list("key", "value")
    return {key: value for key, value in rows if value}


def targets_for(scope: Scope, period: Period) -> dict[str, Decimal]:
    return dict(
        Target.objects.filter(
            scope_kind=scope.kind, scope_code=scope.code, period_kind=period.kind, period_start=period.start
        ).values_list("indicator", "target_percent")
    )


def report(scope: Scope, period: Period) -> Report:
    return build_report(scope, period, counter_values(scope, period), targets_for(scope, period))


def reports_of(kind: str, codes: Iterable[str], period: Period) -> dict[str, Report]:
    """The reports of many scopes of one kind, from one query."""
    wanted = list(codes)
    values: dict[str, dict[str, int]] = {code: {} for code in wanted}
    rows = Counter.objects.filter(
        scope_kind=kind, scope_code__in=wanted, period_kind=period.kind, period_start=period.start
    ).values_list("scope_code", "key", "value")
    for code, key, value in rows:
        if value:
            values[code][key] = value
    return {code: build_report(Scope(kind, code), period, values[code]) for code in wanted}


@dataclass(frozen=True)
class RankedProvince:
    rank: int
    code: str
    name: str
    report: Report
    history: list[Decimal]  # the total of each earlier period, oldest first


def province_ranking(period: Period, history: int = 6) -> list[RankedProvince]:
    """Provinces by total score for the period, each with its total in the periods before."""
    provinces = list(Province.objects.filter(is_active=True).order_by("code").values_list("code", "name"))
    codes = [code for code, _ in provinces]
    current = reports_of(ScopeKind.PROVINCE, codes, period)
    earlier = [reports_of(ScopeKind.PROVINCE, codes, p) for p in period.previous(history)[:-1]]
    names = dict(provinces)
    ordered = sorted(codes, key=lambda code: (-current[code].total, code))
    return [
        RankedProvince(
            rank=position + 1,
            code=code,
            name=names[code],
            report=current[code],
            history=[reports[code].total for reports in earlier],
        )
        for position, code in enumerate(ordered)
    ]


def children(scope: Scope, period: Period) -> list[tuple[Scope, str, Report]]:
    """One level down: the nation's provinces, a province's communes (those with figures)."""
    if scope.kind == ScopeKind.NATION:
        rows = list(Province.objects.filter(is_active=True).order_by("code").values_list("code", "name"))
        kind = ScopeKind.PROVINCE
    elif scope.kind == ScopeKind.PROVINCE:
        with_figures = set(
            Counter.objects.filter(
                scope_kind=ScopeKind.COMMUNE, period_kind=period.kind, period_start=period.start
            ).values_list("scope_code", flat=True)
        )
        rows = list(
            Commune.objects.filter(province__code=scope.code, code__in=with_figures)
            .order_by("code")
            .values_list("code", "name")
        )
        kind = ScopeKind.COMMUNE
    else:
        return []
    reports = reports_of(kind, [code for code, _ in rows], period)
    return [(Scope(kind, code), name, reports[code]) for code, name in rows]


def _facts_in(scope: Scope) -> QuerySet[DossierFact]:
    rows = DossierFact.objects.all()
    if scope.kind == ScopeKind.PROVINCE:
        rows = rows.filter(province_code=scope.code)
    elif scope.kind == ScopeKind.COMMUNE:
        rows = rows.filter(commune_code=scope.code)
    elif scope.kind == ScopeKind.SECTOR:
        rows = rows.filter(sector_code=scope.code)
    return rows


def procedures_in(scope: Scope, period: Period) -> list[tuple[str, Report]]:
    """A commune's (or any scope's) figures per procedure, summed from its dossiers' facts with
    the same contributions the counters hold."""
    per_procedure: dict[str, Tally[str]] = {}
    for fact in _facts_in(scope).only("procedure_code", "data").iterator():
        tally = per_procedure.setdefault(fact.procedure_code, Tally())
        for (kind, start, key), value in facts.dossier_contributions(fact.data).items():
            if kind == period.kind and start == period.start:
                tally[key] += value
    return [
        (code, build_report(scope, period, dict(tally)))
        for code, tally in sorted(per_procedure.items())
        if tally
    ]


def dossiers_behind(
    actor: RequestActor | None, scope: Scope, period: Period, *, key: str = "received", procedure: str = ""
) -> QuerySet[Dossier]:
    """The dossiers counted in ``key`` for the scope and period (optionally of one procedure),
    as far as the actor may see them."""
    rows = _facts_in(scope)
    if procedure:
        rows = rows.filter(procedure_code=procedure)
    codes = [
        fact.dossier_code
        for fact in rows.only("dossier_code", "data").iterator()
        if facts.dossier_contributions(fact.data).get((period.kind, period.start, key), 0) > 0
    ]
    return dossier_selectors.dossiers_of(actor).filter(code__in=codes)


def periods_with_figures(kind: str) -> list[datetime.date]:
    return sorted(
        set(
            Counter.objects.filter(scope_kind=ScopeKind.NATION, period_kind=kind).values_list(
                "period_start", flat=True
            )
        )
    )
