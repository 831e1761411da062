"""From events to the index's inputs: what one event changes in its subject's fact
(``fold_event``), and what a fact adds to the counters of each period (``contributions``).

Both are pure functions of their arguments and of reference data (the catalog's procedures, the
agencies' units), so the incremental handler and ``motcua metrics recompute`` compute the same
figures from the same events (ADR 0047). Every rule here quotes the domain notes (§2.3) or says
where it is our reading of them.
"""

from __future__ import annotations

import datetime
from collections import Counter as Tally
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.core.models import Event
from motcua.dossiers.events import DossierEvent, DossierSubject
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.metrics import periods
from motcua.metrics.models import ScopeKind
from motcua.units.models import Agency

NATION = "VN"

# the agreed event contract (brief "events-contract"): payments and feedback write these types
PAYMENT_OBLIGATION_CREATED = "payments.obligation_created"
PAYMENT_PAID = "payments.paid"
DOSSIER_RATED = "feedback.dossier_rated"
PETITION_RECEIVED = "feedback.petition_received"
PETITION_STEP = "feedback.petition_step"
ANSWER_MARKED = "feedback.answer_marked"
PAYMENT_EVENTS = (PAYMENT_OBLIGATION_CREATED, PAYMENT_PAID)
DOSSIER_FEEDBACK_EVENTS = (DOSSIER_RATED,)
PETITION_EVENTS = (PETITION_RECEIVED, PETITION_STEP, ANSWER_MARKED)

# dossier events that carry the dossier's state (``dossiers.services.processing.indicators``)
DOSSIER_EVENTS = tuple(
    kind
    for kind in DossierEvent
    if not kind.value.startswith("dossiers.draft") and kind != DossierEvent.DRAFTS_PURGED
)
FEE_BEARING = ("fixed", "dmn")  # catalog fee kinds that charge a fee ("none", "unconfirmed" do not)
APPROVED = (DossierStatus.PROCESSED, DossierStatus.RESULT_RETURNED)


# --- reference data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureInfo:
    code: str
    sector_code: str
    full_process: bool  # online_level "full" in the catalog
    issues_result: bool  # the spec declares a result
    electronic_result: bool  # … and it is electronic
    fee_bearing: bool
    level: str


@lru_cache(maxsize=4096)
def procedure_info(code: str) -> ProcedureInfo:
    row = (
        Procedure.objects.filter(code=code)
        .values("sector_code", "online_level", "fee_kind", "spec", "level")
        .first()
    )
    if row is None:
        return ProcedureInfo(code, "", False, False, False, False, "")
    result = (row["spec"] or {}).get("result") or {}
    return ProcedureInfo(
        code=code,
        sector_code=row["sector_code"],
        full_process=row["online_level"] == "full",
        issues_result=bool(result.get("type")),
        electronic_result=bool(result.get("type")) and bool(result.get("electronic", True)),
        fee_bearing=row["fee_kind"] in FEE_BEARING,
        level=row["level"],
    )


@lru_cache(maxsize=8192)
def agency_units(code: str) -> tuple[str, str]:
    """(commune code, province code) of an agency: a commune's agency counts in its commune and
    province, a province's agency in its province only, a ministry's in neither."""
    row = (
        Agency.objects.filter(code=code)
        .values("commune__code", "province__code", "commune__province__code")
        .first()
    )
    if row is None:
        return "", ""
    commune = row["commune__code"] or ""
    province = row["province__code"] or row["commune__province__code"] or ""
    return commune, province


def clear_caches() -> None:
    procedure_info.cache_clear()
    agency_units.cache_clear()


# --- folding events into facts ----------------------------------------------------------------


def _local_date(value: Any) -> str | None:
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(str(value))
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.date().isoformat()


def _event_date(event: Event) -> str:
    return timezone.localtime(event.occurred_at).date().isoformat()


def fold_dossier_event(data: dict[str, Any], event: Event) -> dict[str, Any]:
    """The dossier's inputs after one of its events. Dossier events carry the dossier's state, so
    most inputs are replaced; a few are remembered from the event that showed them."""
    p: Mapping[str, Any] = event.payload
    new = dict(data)
    if event.type == DossierEvent.DOSSIER_SUBMITTED:
        new.update(
            {
                "received_on": _local_date(p.get("received_at")),
                "status": DossierStatus.RECEIVED.value,
                "linked": int(p.get("linked") or 0),
                "eid_verified": p.get("eid_assurance_level") is not None,
                "chip_card": p.get("identity_check") == "chip_card",
                "scanned": int(p.get("scanned") or 0),
                "supplement_requests": 0,
            }
        )
    for key, source in (
        ("procedure", "procedure"),
        ("channel", "channel"),
        ("status", "status"),
        ("components", "components"),
        ("reused_registry", "reused_from_registries"),
        ("reused_wallet", "reused_from_wallet"),
        ("uploaded", "uploaded"),
        ("scanned", "digitised"),
        ("supplement_requests", "supplement_requests"),
        ("fee_vnd", "fee_vnd"),
        ("agency", "agency"),
    ):
        if source in p and p[source] is not None:
            new[key] = p[source]
    if "received_at" in p:
        new["received_on"] = _local_date(p["received_at"])
    if "finished_at" in p:
        new["end_on"] = _local_date(p["finished_at"])
    # the deadline the indicator checks is the appointment date moved only by the paused clock
    # (supplement time subtracted, §2.3 rules for 2.1): an apology's new date (form 04) does not
    # make a late dossier on time, so the deadline stays as it was before the first apology
    if event.type == DossierEvent.DOSSIER_APOLOGY_ISSUED:
        new["apologised"] = True
    elif "due_on" in p and not new.get("apologised"):
        new["deadline"] = p["due_on"]
    if event.type == DossierEvent.DOSSIER_SUPPLEMENT_REQUESTED:
        new["supplement_on"] = _event_date(event)
    if event.type == DossierEvent.DOSSIER_APPROVED and p.get("result"):
        new["electronic_result"] = True
    if event.type == DossierEvent.DOSSIER_RESULT_RETURNED and p.get("result"):
        new["result_to_wallet"] = True
    return new


def fold_payment_event(data: dict[str, Any], event: Event) -> dict[str, Any]:
    p = event.payload
    new = dict(data)
    if event.type == PAYMENT_OBLIGATION_CREATED and int(p.get("amount_vnd") or 0) > 0:
        new["obligation"] = True
    if event.type == PAYMENT_PAID and p.get("online"):
        new["paid_online"] = True
    return new


def fold_rating_event(data: dict[str, Any], event: Event) -> dict[str, Any]:
    return {**data, "rating": event.payload.get("overall")}


def fold_petition_event(data: dict[str, Any], event: Event) -> dict[str, Any]:
    p = event.payload
    new = dict(data)
    if event.type == PETITION_RECEIVED:
        new.update(
            {
                "received_on": _event_date(event),
                "repeat": p.get("repeat_of") is not None,
                "dossier_id": p.get("dossier_id"),
                "procedure": p.get("procedure_code"),
                "category": p.get("category", ""),
            }
        )
    elif event.type == PETITION_STEP:
        if p.get("on_time") is False:
            new["late"] = True
        if p.get("step") in ("answered", "published", "refused"):
            new["handled"] = True
    elif event.type == ANSWER_MARKED:
        new["useful"] = int(p.get("useful_count") or 0)
        new["not_useful"] = int(p.get("not_useful_count") or 0)
    return new


# --- what a fact adds to the counters -----------------------------------------------------------


def _date(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def dossier_scopes(agency_code: str, sector_code: str) -> list[tuple[str, str]]:
    commune, province = agency_units(agency_code)
    scopes = [(ScopeKind.NATION.value, NATION)]
    if province:
        scopes.append((ScopeKind.PROVINCE.value, province))
    if commune:
        scopes.append((ScopeKind.COMMUNE.value, commune))
    if sector_code:
        scopes.append((ScopeKind.SECTOR.value, sector_code))
    return scopes


def _on_time(end: datetime.date | None, deadline: datetime.date | None, period_end: datetime.date) -> bool:
    """Indicator 2.1: on time means the end ≤ the appointment date; with no end state, the last
    day of the period stands for it. With no appointment date (no statutory time) a dossier is on
    time (the statutory maximum the rule then compares with is not stated: our reading)."""
    if deadline is None:
        return True
    at = end if end is not None and end <= period_end else period_end
    return at <= deadline


def is_late(data: Mapping[str, Any]) -> bool:
    """Finished after its deadline, apologised for (form 04), or asked to supplement more than
    once (2.1: more than one supplement request counts as overdue)."""
    if int(data.get("supplement_requests") or 0) > 1 or data.get("apologised"):
        return True
    end, deadline = _date(data.get("end_on")), _date(data.get("deadline"))
    return bool(end and deadline and end > deadline)


def dossier_contributions(data: Mapping[str, Any]) -> Tally[tuple[str, datetime.date, str]]:
    """What one dossier adds, per (period kind, period start, input key)."""
    tally: Tally[tuple[str, datetime.date, str]] = Tally()
    received = _date(data.get("received_on"))
    if received is None:
        return tally
    info = procedure_info(str(data.get("procedure", "")))
    status = data.get("status")
    end = _date(data.get("end_on"))
    if end is None and status == DossierStatus.SUPPLEMENT_REQUESTED:
        end = _date(data.get("supplement_on"))  # 2.1: waiting for the one supplement ends it
    deadline = _date(data.get("deadline"))
    # more than one supplement request counts as overdue (2.1); so does a dossier the agency
    # apologised for (form 04 is issued for a dossier that misses its date: our reading)
    overdue_always = int(data.get("supplement_requests") or 0) > 1 or bool(data.get("apologised"))
    online = data.get("channel") == "online"
    approved = status in APPROVED
    electronic_result = bool(data.get("electronic_result"))
    # a result the procedure issues, approved without its electronic copy, makes a dossier
    # neither "online" (3.3) nor digitised (4.2)
    result_paper_only = approved and info.issues_result and not electronic_result
    components = int(data.get("components") or 0)
    reused = (
        int(data.get("reused_registry") or 0)
        + int(data.get("reused_wallet") or 0)
        + int(data.get("linked") or 0)
    )
    fee_due = int(data.get("fee_vnd") or 0) > 0 or bool(data.get("obligation"))
    unhappy = data.get("rating") == "dissatisfied" or int(data.get("petitions") or 0) > 0
    by_received = {
        "received": True,
        f"channel_{data.get('channel')}": True,
        "online_counted": online and not result_paper_only,
        "full_process_dossiers": info.full_process,
        "full_process_online": info.full_process and online and not result_paper_only,
        "reused": reused > 0,
        "digitised": components > 0
        and (electronic_result or not info.issues_result)
        and (approved or not info.issues_result),
        "personal_store": int(data.get("reused_wallet") or 0) > 0 or bool(data.get("result_to_wallet")),
        "citizen_data": bool(
            data.get("eid_verified") or data.get("chip_card") or data.get("reused_registry")
        ),
        "fee_due": fee_due,
        "paid_online": fee_due and bool(data.get("paid_online")),
        "late": is_late(data),
        "unhappy": unhappy,
        "rated": data.get("rating") is not None,
        f"procedure_online:{info.code}": online,
        f"procedure_fee:{info.code}": fee_due,
        f"procedure_paid_online:{info.code}": fee_due and bool(data.get("paid_online")),
    }
    finished = _date(data.get("end_on"))
    for kind in periods.KINDS:
        start = periods.start_of(kind, received)
        for key, counted in by_received.items():
            if counted:
                tally[(kind, start, key)] += 1
        # 2.1: the dossiers received or processed in a period: received in it, or ending in it
        spans = {start}
        if end is not None:
            spans.add(periods.start_of(kind, end))
        for span in spans:
            tally[(kind, span, "progress_total")] += 1
            if not overdue_always and _on_time(end, deadline, periods.end_of(kind, span)):
                tally[(kind, span, "progress_on_time")] += 1
        if finished is not None and approved:  # 2.2 and 4.1: by the period the dossier ended in
            ended = periods.start_of(kind, finished)
            tally[(kind, ended, "completed")] += 1
            tally[(kind, ended, "completed_days")] += (finished - received).days
            if info.issues_result:
                tally[(kind, ended, "result_required")] += 1
                if electronic_result:
                    tally[(kind, ended, "result_electronic")] += 1
    return tally


def petition_contributions(data: Mapping[str, Any]) -> Tally[tuple[str, datetime.date, str]]:
    tally: Tally[tuple[str, datetime.date, str]] = Tally()
    received = _date(data.get("received_on"))
    if received is None:
        return tally
    late = bool(data.get("late"))
    disliked = int(data.get("not_useful") or 0) > int(data.get("useful") or 0)
    for kind in periods.KINDS:
        start = periods.start_of(kind, received)
        tally[(kind, start, "petitions")] += 1
        if not late:
            tally[(kind, start, "petitions_on_time")] += 1
        if not (late or disliked or data.get("repeat")):
            tally[(kind, start, "petitions_satisfied")] += 1
    return tally


def by_scope(
    contributions: Tally[tuple[str, datetime.date, str]], scopes: list[tuple[str, str]]
) -> Iterator[tuple[tuple[str, str, str, datetime.date, str], int]]:
    for (kind, start, key), value in contributions.items():
        for scope_kind, scope_code in scopes:
            yield (scope_kind, scope_code, kind, start, key), value


def dossier_id_for(code: str) -> int | None:
    return Dossier.objects.filter(code=code).values_list("id", flat=True).first()


def is_dossier_event(event: Event) -> bool:
    return event.subject_type == DossierSubject.DOSSIER and event.type in DOSSIER_EVENTS
