"""Plan 02 steering: targets per scope and period, progress against them, and the five-day
follow-up report of the scopes behind target (the plan's follow-up mechanics are not in the
domain notes [M]: a report every five days, listing each scope and indicator behind target, by how
much, since which period, and the leader responsible, is our reading of the issue).

Who sets a target is the supervising level: the platform administrator for every scope, a
province's supervisor (the supervisor role at a province-level agency) for that province's
communes. Targets default to the Plan 02 / Decision 1565 figures (``indicators.DEFAULT_TARGETS``).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.actors import Actor
from motcua.core.errors import Forbidden, NotFound
from motcua.core.services import record_change
from motcua.identity.actors import OfficialActor
from motcua.identity.models import Role
from motcua.metrics import facts, indicators, selectors
from motcua.metrics.events import MetricsEvent, MetricsSubject
from motcua.metrics.models import FollowUpReport, ScopeKind, Summary, Target
from motcua.metrics.periods import Period
from motcua.units.models import Commune, Province

FOLLOW_UP_DAYS = 5
SINCE_LOOKBACK = 12  # periods looked back for "behind since"


def may_set_target(actor: OfficialActor, scope: selectors.Scope) -> bool:
    if actor.is_platform_admin:
        return True
    if scope.kind != ScopeKind.COMMUNE:
        return False
    province = Commune.objects.filter(code=scope.code).values_list("province__code", flat=True).first()
    for code in actor.agency_codes(Role.SUPERVISOR):
        commune, agency_province = facts.agency_units(code)
        if not commune and agency_province and agency_province == province:
            return True
    return False


@dataclass(frozen=True)
class Progress:
    indicator: str
    name: str
    target: Decimal
    ratio: Decimal | None
    gap: Decimal | None  # percentage points below target (None: no figure)
    leader: str
    due_on: datetime.date | None

    @property
    def behind(self) -> bool:
        return self.gap is not None and self.gap > 0


def progress(scope: selectors.Scope, period: Period) -> list[Progress]:
    """Each target of the scope and period (set, or the plan's default) against its figure."""
    report = selectors.report(scope, period)
    rows = {
        t.indicator: t
        for t in Target.objects.filter(
            scope_kind=scope.kind, scope_code=scope.code, period_kind=period.kind, period_start=period.start
        )
    }
    wanted = {**indicators.DEFAULT_TARGETS, **{k: t.target_percent for k, t in rows.items()}}
    result = []
    for indicator_id in sorted(wanted):
        figure = report.result(indicator_id).figure
        ratio = figure.ratio if figure else None
        target = Decimal(wanted[indicator_id])
        set_row = rows.get(indicator_id)
        result.append(
            Progress(
                indicator=indicator_id,
                name=str(indicators.INDICATORS[indicator_id].name),
                target=target,
                ratio=ratio,
                gap=indicators.rounded(target - ratio) if ratio is not None else None,
                leader=set_row.leader_name if set_row else "",
                due_on=set_row.due_on if set_row else None,
            )
        )
    return result


def _behind_since(scope: selectors.Scope, period: Period, indicator_id: str, target: Decimal) -> str:
    since = period
    for earlier in reversed(period.previous(SINCE_LOOKBACK)[:-1]):
        figure = selectors.report(scope, earlier).result(indicator_id).figure
        if figure is None or figure.ratio is None or figure.ratio >= target:
            break
        since = earlier
    return since.label


def behind_target(period: Period) -> list[dict[str, object]]:
    """Every province and commune with figures (or a target) that is behind one of its targets."""
    scopes: set[tuple[str, str]] = set(
        Summary.objects.filter(
            scope_kind__in=[ScopeKind.PROVINCE, ScopeKind.COMMUNE],
            period_kind=period.kind,
            period_start=period.start,
        ).values_list("scope_kind", "scope_code")
    )
    scopes |= set(
        Target.objects.filter(period_kind=period.kind, period_start=period.start).values_list(
            "scope_kind", "scope_code"
        )
    )
    names = dict(Province.objects.values_list("code", "name"))
    communes = dict(
        Commune.objects.filter(code__in=[c for k, c in scopes if k == ScopeKind.COMMUNE]).values_list(
            "code", "name"
        )
    )
    rows: list[dict[str, object]] = []
    for kind, code in sorted(scopes):
        scope = selectors.Scope(kind, code)
        for item in progress(scope, period):
            if not item.behind:
                continue
            rows.append(
                {
                    "scope_kind": kind,
                    "scope_code": code,
                    "name": (names if kind == ScopeKind.PROVINCE else communes).get(code, code),
                    **{
                        k: str(v) if isinstance(v, Decimal | datetime.date) else v
                        for k, v in asdict(item).items()
                    },
                    "since": _behind_since(scope, period, item.indicator, item.target),
                }
            )
    rows.sort(
        key=lambda r: (
            -Decimal(str(r["gap"])),
            str(r["scope_kind"]),
            str(r["scope_code"]),
            str(r["indicator"]),
        )
    )
    return rows


@transaction.atomic
def issue_followup_report(*, actor: Actor, today: datetime.date, period: Period) -> FollowUpReport | None:
    """The report of ``today``, unless one was issued in the last five days (the periodic task
    runs daily; a retry issues nothing twice)."""
    since = today - datetime.timedelta(days=FOLLOW_UP_DAYS - 1)
    if (
        FollowUpReport.objects.select_for_update()
        .filter(created_on__gte=since, created_on__lte=today)
        .exists()
    ):
        return None
    rows = behind_target(period)
    report = FollowUpReport.objects.create(
        created_on=today, period_kind=period.kind, period_start=period.start, rows=rows
    )
    record_change(
        actor=actor,
        type=MetricsEvent.FOLLOWUP_ISSUED,
        subject_type=MetricsSubject.FOLLOWUP,
        subject_id=report.pk,
        changes={"created_on": [None, today.isoformat()]},
        payload={"period": period.label, "behind": len(rows)},
    )
    return report


def steering_officials_may_read(actor: OfficialActor) -> bool:
    """The follow-up reports are delivered to steering officials: supervisors and the platform
    administrator see them in the platform."""
    return actor.is_platform_admin or bool(actor.agency_codes(Role.SUPERVISOR))


def followup_reports(actor: OfficialActor) -> list[FollowUpReport]:
    return list(FollowUpReport.objects.all()[:20]) if steering_officials_may_read(actor) else []


def get_followup(actor: OfficialActor, pk: int) -> FollowUpReport:
    """Forbidden for an official who does not steer; NotFound for no such report."""
    if not steering_officials_may_read(actor):
        raise Forbidden(_("Follow-up reports are for steering officials."))
    report = FollowUpReport.objects.filter(pk=pk).first()
    if report is None:
        raise NotFound(_("No such report."))
    return report
