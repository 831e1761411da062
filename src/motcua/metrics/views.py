"""The index's pages: the public ranking of provinces, the CSV/XLSX exports, and the leaders'
dashboard per scope with its charts, drill-down and the dossiers behind a number (scoped to what
the official may see). Views parse input and read through ``metrics.selectors``; no JavaScript."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden, MotcuaError, NotFound
from motcua.identity.actors import OfficialActor
from motcua.identity.permissions import official_of, official_required, public
from motcua.metrics import charts, facts, periods, presenters, selectors, services, steering
from motcua.metrics.indicators import GROUPS, INDICATORS
from motcua.metrics.models import ScopeKind
from motcua.metrics.periods import Period

HISTORY = 6


def _period(request: HttpRequest) -> Period:
    kind = request.GET.get("period_kind", "month")
    value = request.GET.get("period", "")
    try:
        return periods.parse(kind, value) if value else periods.current(kind, timezone.localdate())
    except ValueError as exc:
        raise Http404(_("Not a period.")) from exc


def _scope(request: HttpRequest, default: selectors.Scope = selectors.NATION) -> tuple[selectors.Scope, str]:
    kind = request.GET.get("scope", default.kind)
    code = request.GET.get("code", default.code if kind == default.kind else "")
    try:
        return selectors.get_scope(kind, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@public
def index(request: HttpRequest) -> HttpResponse:
    """Provinces ranked with their bands, each group's score, and their totals month by month."""
    period = _period(request)
    ranking = selectors.province_ranking(period, HISTORY)
    earlier = period.previous(HISTORY)[:-1]
    return render(
        request,
        "metrics/index.html",
        {
            "period": period,
            "ranking": ranking,
            "groups": GROUPS,
            "earlier": earlier,
            "nation": selectors.NATION,
        },
    )


@public
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    scope, _name = _scope(request)
    report = selectors.report(scope, _period(request))
    filename = f"chi-so-766-{scope.kind}-{scope.code}-{report.period.label}"
    if fmt == "csv":
        response = HttpResponse(presenters.report_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            presenters.report_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _home_scope(actor: OfficialActor) -> selectors.Scope:
    """The official's own scope: their agency's commune, else its province, else the nation."""
    if actor.is_platform_admin:
        return selectors.NATION
    for code in sorted(actor.agency_codes()):
        commune, province = facts.agency_units(code)
        if commune:
            return selectors.Scope(ScopeKind.COMMUNE, commune)
        if province:
            return selectors.Scope(ScopeKind.PROVINCE, province)
    return selectors.NATION


def _charts(
    report: selectors.Report, trend: list[tuple[Period, Decimal]]
) -> list[tuple[charts.Chart, list[tuple[str, str]]]]:
    """Each chart with the rows of the table beside it."""
    groups = charts.bar_chart(
        "groups",
        _("Score of each group"),
        _("Points of each group of indicators against its maximum."),
        [(f"{g.group.number}. {g.group.name}", g.score, g.group.max_points) for g in report.groups],
    )
    progress = report.result("2.1").figure
    on_time = progress.numerator if progress else 0
    total = progress.denominator if progress else 0
    timing = charts.bar_chart(
        "timing",
        _("On time and overdue"),
        _("Dossiers received or processed in the period, on time and overdue (indicator 2.1)."),
        [(_("On time"), on_time, max(total, 1)), (_("Overdue"), total - on_time, max(total, 1))],
        tones=["good", "bad"],
    )
    values = report.values
    received = values.get("received", 0)
    channels = charts.bar_chart(
        "channels",
        _("Channels"),
        _("Dossiers received online, at the counter and by post."),
        [
            (_("Online"), values.get("channel_online", 0), max(received, 1)),
            (_("At the counter"), values.get("channel_counter", 0), max(received, 1)),
            (_("By post"), values.get("channel_post", 0), max(received, 1)),
        ],
    )
    reuse = charts.bar_chart(
        "reuse",
        _("Reuse of data"),
        _("Dossiers with a component from a registry, the data wallet or a linked dossier (indicator 4.3)."),
        [
            (_("Reused data"), values.get("reused", 0), max(received, 1)),
            (_("Received"), received, max(received, 1)),
        ],
    )
    history = charts.bar_chart(
        "trend",
        _("Total score, period by period"),
        _("The index's total out of 100 in this and the earlier periods."),
        [(p.label, value, 100) for p, value in trend],
    )
    return [
        (history, [(bar.label, bar.text) for bar in history.bars]),
        (groups, [(bar.label, f"{bar.text} / {bar.maximum}") for bar in groups.bars]),
        (timing, [(bar.label, bar.text) for bar in timing.bars]),
        (channels, [(bar.label, bar.text) for bar in channels.bars]),
        (reuse, [(bar.label, bar.text) for bar in reuse.bars]),
    ]


@official_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = official_of(request)
    scope, name = _scope(request, _home_scope(actor))
    period = _period(request)
    report = selectors.report(scope, period)
    earlier = period.previous(HISTORY)
    totals = selectors.totals(scope.kind, [scope.code], earlier)
    trend = [(p, totals[(scope.code, p)]) for p in earlier]
    context = {
        "scope": scope,
        "name": name,
        "period": period,
        "report": report,
        "charts": _charts(report, trend),
        "children": selectors.children(scope, period),
        "procedures": selectors.procedures_in(scope, period) if scope.kind == ScopeKind.COMMUNE else [],
        "query": f"scope={scope.kind}&code={scope.code}&period_kind={period.kind}&period={period.label}",
    }
    return render(request, "metrics/dashboard.html", context)


@official_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    actor = official_of(request)
    scope, name = _scope(request, _home_scope(actor))
    period = _period(request)
    key = request.GET.get("key", "received")
    procedure = request.GET.get("procedure", "")
    rows = selectors.dossiers_behind(actor, scope, period, key=key, procedure=procedure)
    indicator = next((i for i in INDICATORS.values() if key in i.numerator or key == i.denominator), None)
    return render(
        request,
        "metrics/dossiers.html",
        {
            "scope": scope,
            "name": name,
            "period": period,
            "key": key,
            "indicator": indicator,
            "procedure": procedure,
            "dossiers": list(rows[:500]),
        },
    )


# --- Plan 02 steering -----------------------------------------------------------------------------


def _steering_context(request: HttpRequest, actor: OfficialActor, error: str = "") -> dict[str, object]:
    scope, name = _scope(request, _home_scope(actor))
    period = _period(request)
    return {
        "scope": scope,
        "name": name,
        "period": period,
        "progress": steering.progress(scope, period),
        "may_set": steering.may_set_target(actor, scope),
        "reports": steering.followup_reports(actor),
        "indicators": [i for i in INDICATORS.values() if i.computable and i.max_points and i.id != "2.2"],
        "error": error,
        "errors": [{"href": "#target_percent", "message": error}] if error else [],
    }


@official_required
def targets(request: HttpRequest) -> HttpResponse:
    """Progress against the targets of a scope; the supervising level sets them here."""
    actor = official_of(request)
    if request.method != "POST":
        return render(request, "metrics/targets.html", _steering_context(request, actor))
    scope, _name = _scope(request, _home_scope(actor))
    if not steering.may_set_target(actor, scope):
        raise PermissionDenied
    period = _period(request)
    try:
        percent = Decimal(request.POST.get("target_percent", ""))
        due_on = datetime.date.fromisoformat(request.POST.get("due_on", ""))
    except (InvalidOperation, ValueError):
        context = _steering_context(
            request, actor, _("Enter the target as a number and the due date as YYYY-MM-DD.")
        )
        return render(request, "metrics/targets.html", context, status=400)
    try:
        services.set_target(
            actor=actor,
            scope_kind=scope.kind,
            scope_code=scope.code,
            period_kind=period.kind,
            period_start=period.start,
            indicator=request.POST.get("indicator", ""),
            target_percent=percent,
            leader_name=request.POST.get("leader_name", ""),
            due_on=due_on,
        )
    except MotcuaError as exc:
        return render(
            request, "metrics/targets.html", _steering_context(request, actor, exc.message), status=400
        )
    return redirect(
        f"{request.path}?scope={scope.kind}&code={scope.code}&period_kind={period.kind}&period={period.label}"
    )


@official_required
def followup(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A five-day follow-up report, to the steering officials (supervisors, platform administrator)."""
    try:
        report = steering.get_followup(official_of(request), int(pk))
    except Forbidden as exc:
        raise PermissionDenied from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    title = _("Follow-up report of %(day)s: scopes behind target") % {
        "day": report.created_on.strftime("%d/%m/%Y")
    }
    if fmt == "xlsx":
        body = presenters.followup_xlsx(report.rows, f"{report.created_on}")
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        header = [
            _("Scope"),
            _("Name"),
            _("Indicator"),
            _("Target"),
            _("Ratio"),
            _("Gap (points)"),
            _("Behind since"),
            _("Leader"),
            _("Due date"),
        ]
        response = HttpResponse(
            presenters.followup_pdf(report.rows, title, header), content_type="application/pdf"
        )
    response["Content-Disposition"] = f'attachment; filename="theo-doi-{report.created_on}.{fmt}"'
    return response
