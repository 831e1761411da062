"""``/api/v1/metrics/…``: the Decision 766 index, shaped like the NPSP's reporting API (domain notes
§2.4: scope, period, groups, metrics with ratio, score and max score). The figures are public; the
dossiers behind a number are an official's, scoped to the agencies they may see. The Plan 02
steering targets are read by officials and set by the scope's supervising level (audited)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from motcua.api.errors import DENIALS, ErrorOut
from motcua.core.errors import MotcuaError, NotFound
from motcua.identity.permissions import official_auth, official_of, public
from motcua.metrics import indicators, periods, presenters, selectors, services, steering
from motcua.metrics.periods import Period

router = Router(tags=["metrics"])

SCOPE_HELP = "nation, province, commune or sector (ministry/sector)"
KEY_HELP = "the counter: received, progress_on_time, late, reused …"
BAND_HELP = (
    "excellent, good, fair, average or weak: the platform's cut-offs (90, 80, 65, 50), not official ones"
)
PERIOD_HELP = "2026-07 (month), 2026-Q3 (quarter) or 2026 (year); empty: the current one"


def period_of(kind: str, value: str) -> Period:
    if not value:
        if kind not in periods.KINDS:
            raise MotcuaError(_("Choose a period: month, quarter or year."))
        return periods.current(kind, timezone.localdate())
    try:
        return periods.parse(kind, value)
    except ValueError as exc:
        raise MotcuaError(_("Not a period: write 2026-07, 2026-Q3 or 2026.")) from exc


class IndicatorOut(Schema):
    id: str
    code: str
    group: int
    name: str
    max_score: float
    target: float | None
    source: str = Field(..., description="events, catalog, or none (not computable)")
    not_computable_reason: str


class MetricOut(Schema):
    id: str
    code: str
    name: str
    computable: bool
    notComputableReason: str
    numerator: int | None
    denominator: int | None
    ratio: float | None = Field(..., description="percent, 2 decimals; null: no figure (zero denominator)")
    score: float | None
    maxScore: float
    target: float | None
    steeringTarget: float | None


class GroupOut(Schema):
    id: str = Field(..., description="the NPSP reporting API's name of the group")
    number: int
    name: str
    score: float
    maxScore: int
    computableMaxScore: float
    metrics: list[MetricOut]


class ScopeOut(Schema):
    kind: str
    code: str
    name: str


class PeriodOut(Schema):
    timeType: str
    year: int
    quarter: int | None
    month: int | None
    label: str
    fromDate: datetime.date
    toDate: datetime.date


class ReportOut(Schema):
    scope: ScopeOut
    period: PeriodOut
    score: float
    maxScore: int
    band: str = Field(..., description=BAND_HELP)
    bandName: str
    groups: list[GroupOut]


class RankedOut(Schema):
    rank: int
    code: str
    name: str
    score: float
    band: str = Field(..., description=BAND_HELP)
    groups: dict[str, float] = Field(..., description="each group's score, by the group's API id")
    history: list[float] = Field(..., description="the total of each earlier period, oldest first")


class DossierRowOut(Schema):
    code: str
    procedure: str
    agency_code: str
    status: str
    received_at: datetime.datetime
    due_on: datetime.date | None


@router.get("/metrics/indicators", response=list[IndicatorOut], summary="The Decision 766 indicators")
@public
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": i.id,
            "code": i.code,
            "group": i.group,
            "name": str(i.name),
            "max_score": float(i.max_points),
            "target": float(i.target) if i.target is not None else None,
            "source": i.source.value,
            "not_computable_reason": str(i.not_computable or ""),
        }
        for i in indicators.DEFINITIONS
    ]


@router.get(
    "/metrics/report",
    response={200: ReportOut, 400: ErrorOut, 404: ErrorOut},
    summary="One scope's index for one period (the NPSP reporting API's shape)",
)
@public
def get_report(
    request: HttpRequest,
    scope: str = Query("nation", description=SCOPE_HELP, max_length=16),  # type: ignore[type-arg]
    code: str = "VN",
    period_kind: str = "month",
    period: str = Query("", description=PERIOD_HELP, max_length=8),  # type: ignore[type-arg]
) -> dict[str, Any]:
    found, name = selectors.get_scope(scope, code)
    return presenters.report_dict(selectors.report(found, period_of(period_kind, period)), name)


@router.get(
    "/metrics/ranking",
    response={200: list[RankedOut], 400: ErrorOut},
    summary="Provinces ranked by their index, with each group's score and earlier periods' totals",
)
@public
def province_ranking(
    request: HttpRequest, period_kind: str = "month", period: str = ""
) -> list[dict[str, Any]]:
    return [
        {
            "rank": p.rank,
            "code": p.code,
            "name": p.name,
            "score": float(p.report.total),
            "band": p.report.band,
            "groups": {g.group.api_id: float(g.score) for g in p.report.groups},
            "history": [float(v) for v in p.history],
        }
        for p in selectors.province_ranking(period_of(period_kind, period))
    ]


@router.get(
    "/metrics/dossiers",
    auth=official_auth,
    response={200: list[DossierRowOut], 400: ErrorOut, **DENIALS},
    summary="The dossiers behind a number (those of the agencies the official may see)",
)
def dossiers_behind(
    request: HttpRequest,
    scope: str = "nation",
    code: str = "VN",
    period_kind: str = "month",
    period: str = "",
    key: str = Query("received", description=KEY_HELP, max_length=96),  # type: ignore[type-arg]
    procedure: str = "",
) -> list[dict[str, Any]]:
    actor = official_of(request)
    found, _name = selectors.get_scope(scope, code)
    rows = selectors.dossiers_behind(
        actor, found, period_of(period_kind, period), key=key, procedure=procedure
    )
    return [
        {
            "code": d.code,
            "procedure": d.procedure.code,
            "agency_code": d.agency_code,
            "status": d.status,
            "received_at": d.received_at,
            "due_on": d.due_on,
        }
        for d in rows[:500]
    ]


# --- Plan 02 steering targets ---------------------------------------------------------------------


class TargetOut(Schema):
    indicator: str
    name: str
    target: float = Field(..., description="percent the indicator's ratio must reach")
    ratio: float | None = Field(..., description="the figure now, percent; null: no figure")
    gap: float | None = Field(..., description="percentage points below the target (negative: ahead)")
    behind: bool
    leader: str = Field(..., description="the leader who answers for it; empty for a default target")
    dueOn: datetime.date | None
    isDefault: bool = Field(..., description="no one has set it: the Plan 02 / Decision 1565 default")


class TargetsOut(Schema):
    scope: ScopeOut
    period: str
    mayEdit: bool = Field(..., description="whether the caller is the scope's supervising level")
    targets: list[TargetOut]


class TargetIn(Schema):
    target_percent: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)
    leader_name: str = Field(..., min_length=1, max_length=200)
    due_on: datetime.date


def _target_dict(item: steering.Progress) -> dict[str, Any]:
    return {
        "indicator": item.indicator,
        "name": item.name,
        "target": float(item.target),
        "ratio": float(item.ratio) if item.ratio is not None else None,
        "gap": float(item.gap) if item.gap is not None else None,
        "behind": item.behind,
        "leader": item.leader,
        "dueOn": item.due_on,
        "isDefault": item.due_on is None,
    }


def _target_of(found: selectors.Scope, at: Period, indicator: str) -> dict[str, Any]:
    item = next((p for p in steering.progress(found, at) if p.indicator == indicator), None)
    if item is None:
        raise NotFound(_("No target for this indicator."))
    return _target_dict(item)


@router.get(
    "/metrics/targets",
    auth=official_auth,
    response={200: TargetsOut, 400: ErrorOut, **DENIALS},
    summary="A scope's steering targets for a period (set, or the plan's defaults), with progress",
)
def list_targets(
    request: HttpRequest,
    scope: str = Query("nation", description=SCOPE_HELP, max_length=16),  # type: ignore[type-arg]
    code: str = Query("VN", max_length=64),  # type: ignore[type-arg]
    period_kind: str = "month",
    period: str = Query("", description=PERIOD_HELP, max_length=8),  # type: ignore[type-arg]
) -> dict[str, Any]:
    actor = official_of(request)
    found, name = selectors.get_scope(scope, code)
    at = period_of(period_kind, period)
    return {
        "scope": {"kind": found.kind, "code": found.code, "name": name},
        "period": at.label,
        "mayEdit": steering.may_set_target(actor, found),
        "targets": [_target_dict(item) for item in steering.progress(found, at)],
    }


@router.get(
    "/metrics/targets/{indicator}",
    auth=official_auth,
    response={200: TargetOut, 400: ErrorOut, **DENIALS},
    summary="One steering target of a scope and period, with progress",
)
def read_target(
    request: HttpRequest,
    indicator: str,
    scope: str = Query("nation", description=SCOPE_HELP, max_length=16),  # type: ignore[type-arg]
    code: str = Query("VN", max_length=64),  # type: ignore[type-arg]
    period_kind: str = "month",
    period: str = Query("", description=PERIOD_HELP, max_length=8),  # type: ignore[type-arg]
) -> dict[str, Any]:
    official_of(request)
    found, _name = selectors.get_scope(scope, code)
    return _target_of(found, period_of(period_kind, period), indicator)


@router.put(
    "/metrics/targets/{indicator}",
    auth=official_auth,
    response={200: TargetOut, 400: ErrorOut, **DENIALS},
    summary="Set or change a steering target (the scope's supervising level; audited)",
)
def put_target(
    request: HttpRequest,
    indicator: str,
    payload: TargetIn,
    scope: str = Query("nation", description=SCOPE_HELP, max_length=16),  # type: ignore[type-arg]
    code: str = Query("VN", max_length=64),  # type: ignore[type-arg]
    period_kind: str = "month",
    period: str = Query("", description=PERIOD_HELP, max_length=8),  # type: ignore[type-arg]
) -> dict[str, Any]:
    actor = official_of(request)
    found, _name = selectors.get_scope(scope, code)
    at = period_of(period_kind, period)
    services.set_target(
        actor=actor,
        scope_kind=found.kind,
        scope_code=found.code,
        period_kind=at.kind,
        period_start=at.start,
        indicator=indicator,
        target_percent=payload.target_percent,
        leader_name=payload.leader_name,
        due_on=payload.due_on,
    )
    return _target_of(found, at, indicator)
