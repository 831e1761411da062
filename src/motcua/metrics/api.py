"""``/api/v1/metrics/…``: the Decision 766 index, shaped like the NPSP's reporting API (domain notes
§2.4: scope, period, groups, metrics with ratio, score and max score). The figures are public; the
dossiers behind a number are an official's, scoped to the agencies they may see."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from motcua.api.errors import DENIALS, ErrorOut
from motcua.core.errors import MotcuaError
from motcua.identity.permissions import official_auth, official_of, public
from motcua.metrics import indicators, periods, presenters, selectors
from motcua.metrics.periods import Period

router = Router(tags=["metrics"])

SCOPE_HELP = "nation, province, commune or sector (ministry/sector)"
KEY_HELP = "the counter: received, progress_on_time, late, reused …"
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
    band: str
    bandName: str
    groups: list[GroupOut]


class RankedOut(Schema):
    rank: int
    code: str
    name: str
    score: float
    band: str
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
