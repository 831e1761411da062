"""Reads of the Decision 766 figures. The figures are aggregates the index publishes, public at
every scope; the dossiers behind a number are read through ``dossiers.selectors``, so an official
sees only the dossiers of the agencies in their scope."""

from __future__ import annotations

import dataclasses
import datetime
import time
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
from motcua.metrics.models import Counter, DossierFact, ScopeKind, Summary, Target
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
    values: dict[str, int] = field(default_factory=dict)  # the counters the charts draw

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
def _lint() -> dict[str, tuple[bool, int, int]]:
    """Per procedure, from ``catalog lint``: whether its spec states every element of Decree
    63/2010 Art. 8(2), its components, and those a registry supplies instead of an upload."""
    return {
        p.code: (not p.missing_elements, p.components, p.data_components)
        for p in lint_catalog(load_catalog()).procedures
    }


_MEASURES: dict[tuple[str, str], tuple[float, dict[str, int]]] = {}
MEASURES_TTL = 60.0  # seconds: the catalog changes only by `motcua catalog load`


def catalog_measures(scope: Scope) -> dict[str, int]:
    """1.3, 3.1 and the catalog denominators: the procedures the scope handles (they depend on the
    scope's kind, and a sector's code; kept a minute, so a ranking of 34 provinces × 6 months
    reads the catalog once)."""
    key = (scope.kind, scope.code if scope.kind == ScopeKind.SECTOR else "")
    now = time.monotonic()
    cached = _MEASURES.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    measures = _catalog_measures(scope)
    _MEASURES[key] = (now + MEASURES_TTL, measures)
    return measures


def clear_catalog_measures() -> None:
    _MEASURES.clear()


def _catalog_measures(scope: Scope) -> dict[str, int]:
    rows = Procedure.objects.filter(is_active=True)
    if scope.kind == ScopeKind.COMMUNE:
        rows = rows.filter(level="commune")
    elif scope.kind == ScopeKind.SECTOR:
        rows = rows.filter(sector_code=scope.code)
    listed = list(rows.values_list("code", "online_level", "fee_kind"))
    lint = _lint()
    return {
        "procedures": len(listed),
        "complete": sum(lint.get(code, (False, 0, 0))[0] for code, _, _ in listed),
        "catalog:components": sum(lint.get(code, (False, 0, 0))[1] for code, _, _ in listed),
        "catalog:data_components": sum(lint.get(code, (False, 0, 0))[2] for code, _, _ in listed),
        "full_process": sum(level == "full" for _, level, _ in listed),
        "catalog:online_procedures": sum(level in ("full", "partial") for _, level, _ in listed),
        "catalog:fee_procedures": sum(fee in facts.FEE_BEARING for _, _, fee in listed),
    }


# --- the figures --------------------------------------------------------------------------------


def _value(indicator: Indicator, key: str, values: Mapping[str, int]) -> int:
    if indicator.distinct and not key.startswith("catalog:"):
        return sum(1 for name, value in values.items() if name.startswith(key) and value > 0)
    return int(values.get(key, 0))


Figures = dict[str, tuple[int, int]]  # indicator id → (numerator, denominator)


def figures_of(scope: Scope, values: Mapping[str, int]) -> Figures:
    """Each computable indicator's numerator and denominator, from a scope's counter values for
    one period and the catalog's measures."""
    values = {**values, **catalog_measures(scope)}
    figures: Figures = {}
    for indicator in indicators.DEFINITIONS:
        if indicator.source == Source.NONE:
            continue
        numerator = 0
        for key in indicator.numerator:
            sign, name = (-1, key[1:]) if key.startswith("-") else (1, key)
            numerator += sign * _value(indicator, name, values)
        figures[indicator.id] = (numerator, _value(indicator, indicator.denominator, values))
    return figures


def report_from_figures(
    scope: Scope,
    period: Period,
    figures: Mapping[str, tuple[int, int] | list[int]],
    targets: Mapping[str, Decimal] | None = None,
    values: Mapping[str, int] | None = None,
) -> Report:
    """The report of one scope and period from its indicators' numerators and denominators (a
    ``Summary`` row's, or ``figures_of``)."""
    report = Report(scope, period, values=dict(values or {}))
    for group in GROUPS:
        results = []
        for indicator in indicators.DEFINITIONS:
            if indicator.group != group.number:
                continue
            if indicator.source == Source.NONE:
                results.append(IndicatorResult(indicator, None))
                continue
            numerator, denominator = figures.get(indicator.id, (0, 0))
            target = (targets or {}).get(indicator.id, indicators.DEFAULT_TARGETS.get(indicator.id))
            results.append(
                IndicatorResult(indicator, indicators.score(indicator, numerator, denominator), target)
            )
        report.groups.append(GroupResult(group, results))
    return report


CHART_KEYS = ("received", "channel_online", "channel_counter", "channel_post", "reused")


def build_report(
    scope: Scope, period: Period, values: Mapping[str, int], targets: Mapping[str, Decimal] | None = None
) -> Report:
    """The report of one scope and period from its counter values (and the catalog's measures)."""
    chart = {key: int(values[key]) for key in CHART_KEYS if values.get(key)}
    return report_from_figures(scope, period, figures_of(scope, values), targets, chart)


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


# --- what the pages read: the precomputed summaries (ADR 0059) ----------------------------------


def _empty_report(scope: Scope, period: Period, targets: Mapping[str, Decimal] | None = None) -> Report:
    """A scope and period with no counter: only the catalog's measures give figures."""
    return build_report(scope, period, {}, targets)


def report(scope: Scope, period: Period) -> Report:
    """One scope's report for one period, from its ``Summary`` row (one query, and one for the
    steering targets)."""
    targets = targets_for(scope, period)
    row = (
        Summary.objects.filter(
            scope_kind=scope.kind, period_kind=period.kind, period_start=period.start, scope_code=scope.code
        )
        .values_list("figures", "values")
        .first()
    )
    if row is None:
        return _empty_report(scope, period, targets)
    return report_from_figures(scope, period, row[0], targets, row[1])


def reports_of(kind: str, codes: Iterable[str], period: Period) -> dict[str, Report]:
    """The reports of many scopes of one kind, from one query."""
    wanted = list(codes)
    rows = dict(
        (code, (figures, values))
        for code, figures, values in Summary.objects.filter(
            scope_kind=kind, period_kind=period.kind, period_start=period.start, scope_code__in=wanted
        ).values_list("scope_code", "figures", "values")
    )
    result = {}
    empty: Report | None = None  # without a row, the catalog alone: the same for every province
    for code in wanted:
        scope = Scope(kind, code)
        found = rows.get(code)
        if found:
            result[code] = report_from_figures(scope, period, found[0], values=found[1])
        elif kind == ScopeKind.SECTOR:
            result[code] = _empty_report(scope, period)
        else:
            empty = empty or _empty_report(scope, period)
            result[code] = dataclasses.replace(empty, scope=scope)
    return result


def totals(kind: str, codes: Iterable[str], wanted: Iterable[Period]) -> dict[tuple[str, Period], Decimal]:
    """The total of each scope (of one kind) in each period, from one query."""
    codes, wanted = list(codes), list(wanted)
    by_start = {(p.kind, p.start): p for p in wanted}
    found: dict[tuple[str, Period], Decimal] = {}
    for code, period_kind, start, total in Summary.objects.filter(
        scope_kind=kind,
        scope_code__in=codes,
        period_kind__in={p.kind for p in wanted},
        period_start__in=[p.start for p in wanted],
    ).values_list("scope_code", "period_kind", "period_start", "total"):
        if (period_kind, start) in by_start:
            found[(code, by_start[(period_kind, start)])] = total
    empty: dict[tuple[str, str, Period], Decimal] = {}  # catalog-only totals: per kind (and sector)
    for code in codes:
        for period in wanted:
            if (code, period) not in found:
                key = (kind, code if kind == ScopeKind.SECTOR else "", period)
                if key not in empty:
                    empty[key] = _empty_report(Scope(kind, code), period).total
                found[(code, period)] = empty[key]
    return found


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
    earlier = period.previous(history)[:-1]
    before = totals(ScopeKind.PROVINCE, codes, earlier)
    names = dict(provinces)
    ordered = sorted(codes, key=lambda code: (-current[code].total, code))
    return [
        RankedProvince(
            rank=position + 1,
            code=code,
            name=names[code],
            report=current[code],
            history=[before[(code, p)] for p in earlier],
        )
        for position, code in enumerate(ordered)
    ]


def children(scope: Scope, period: Period) -> list[tuple[Scope, str, Report]]:
    """One level down: the nation's provinces, a province's communes (those with figures)."""
    if scope.kind == ScopeKind.NATION:
        rows = list(Province.objects.filter(is_active=True).order_by("code").values_list("code", "name"))
        kind = ScopeKind.PROVINCE
    elif scope.kind == ScopeKind.PROVINCE:
        communes = dict(Commune.objects.filter(province__code=scope.code).values_list("code", "name"))
        with_figures = Summary.objects.filter(
            scope_kind=ScopeKind.COMMUNE,
            period_kind=period.kind,
            period_start=period.start,
            scope_code__in=list(communes),
        ).values_list("scope_code", flat=True)
        rows = sorted((code, communes[code]) for code in with_figures)
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
    return list(
        Summary.objects.filter(scope_kind=ScopeKind.NATION, scope_code=facts.NATION, period_kind=kind)
        .order_by("period_start")
        .values_list("period_start", flat=True)
    )
