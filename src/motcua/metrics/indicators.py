"""The Decision 766 indicators as declarative definitions (domain notes §2.1–§2.3; ADR 0047).

One table, ``DEFINITIONS``: each indicator's id, group, inputs (the counter keys of
``facts.dossier_contributions`` / ``petition_contributions``, or a catalog measure), target, maximum
points and zero-denominator rule. ``score`` applies the generic rule of §2.2 to any of them: the
ratio R = numerator ÷ denominator × 100, rounded to 2 decimals; with a target T the score is the
maximum when R ≥ T and R × max ÷ T otherwise; without one, max × R ÷ 100. An indicator whose
inputs the platform does not hold says why (``not_computable``) and has no figure, never a zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Zero(StrEnum):
    """What a zero denominator gives (§2.2): no figure, or the full points (the PAKN indicators,
    when there was no PAKN)."""

    NOT_APPLICABLE = "not_applicable"
    FULL = "full"


class Source(StrEnum):
    EVENTS = "events"  # counters folded from the event log, per period
    CATALOG = "catalog"  # the catalog as it is now (not per period)
    NONE = "none"  # inputs the platform does not hold


@dataclass(frozen=True)
class Group:
    number: int
    api_id: str  # the NPSP reporting API's name of the group (§2.4)
    name: Promise
    max_points: int


GROUPS = (
    Group(1, "transparency", _("Publicity and transparency"), 18),
    Group(2, "dvc-progress-tree", _("Processing progress"), 20),
    Group(3, "provide-online-tree", _("Online public services"), 12),
    Group(4, "formality-online-payment-tree", _("Online payment"), 10),
    Group(5, "dossier-digitized", _("Digitisation of dossiers"), 22),
    Group(6, "handling-satisfaction", _("Satisfaction"), 18),
)
GROUP_BY_NUMBER = {g.number: g for g in GROUPS}


@dataclass(frozen=True)
class Indicator:
    id: str  # the methodology's number (§2.3)
    code: str  # the NPSP API's code where one is known
    group: int
    name: Promise
    max_points: Decimal  # 0: monitoring only
    source: Source
    numerator: tuple[str, ...] = ()  # counter keys; "-key" subtracts
    denominator: str = ""
    distinct: bool = False  # keys are prefixes: count the procedures with a non-zero counter
    target: Decimal | None = None  # percent
    zero: Zero = Zero.NOT_APPLICABLE
    not_computable: Promise | None = None
    cap_score: bool = True

    @property
    def computable(self) -> bool:
        return self.source != Source.NONE


D = Decimal


def measured(
    id: str,
    code: str,
    group: int,
    name: Promise,
    points: int,
    ratio: str,
    *,
    catalog: bool = False,
    distinct: bool = False,
    target: int | None = None,
    zero: Zero = Zero.NOT_APPLICABLE,
) -> Indicator:
    """An indicator the platform computes. ``ratio`` is written as the methodology writes it:
    ``"received - late - unhappy / received"`` (counter keys or catalog measures; ``-`` subtracts;
    with ``distinct``, keys are prefixes and count the procedures with a non-zero counter)."""
    top, denominator = (part.strip() for part in ratio.split(" / "))
    numerator: list[str] = []
    sign = ""
    for term in top.split():
        if term in ("+", "-"):
            sign = "-" if term == "-" else ""
        else:
            numerator.append(sign + term)
            sign = ""
    return Indicator(
        id,
        code,
        group,
        name,
        D(points),
        Source.CATALOG if catalog else Source.EVENTS,
        numerator=tuple(numerator),
        denominator=denominator,
        distinct=distinct,
        target=D(target) if target is not None else None,
        zero=zero,
    )


def unavailable(id: str, code: str, group: int, name: Promise, points: int, reason: Promise) -> Indicator:
    """An indicator whose inputs the platform does not hold: shown with its reason, never as zero."""
    return Indicator(id, code, group, name, D(points), Source.NONE, not_computable=reason)


# id, the NPSP API's code, group, name, points (0: monitoring), ratio, options
DEFINITIONS: tuple[Indicator, ...] = (
    # group 1: publicity and transparency (18)
    unavailable(
        "1.1",
        "PUBLISH_ON_TIME",
        1,
        _("Procedures announced on time"),
        6,
        _("The catalog does not hold the announcement decision's date nor the legal basis's effective date."),
    ),
    unavailable(
        "1.2",
        "PUBLIC_UPDATE_ON_TIME",
        1,
        _("Procedures published on time in the national database"),
        4,
        _("The catalog does not hold the date a procedure was published in the national database."),
    ),
    measured(
        "1.3",
        "PUBLIC_CONTENT_FULL",
        1,
        _("Procedures published with all their elements"),
        2,
        "complete / procedures",
        catalog=True,
    ),
    unavailable(
        "1.4",
        "DOSSIER_SYNC",
        1,
        _("Dossiers synchronised with the national portal"),
        6,
        _("The national reporting system's count of dossiers received is not available to the platform."),
    ),
    # group 2: processing progress (20)
    measured(
        "2.1",
        "DVC_PROGRESS_ON_TIME",
        2,
        _("Dossiers processed before or on time"),
        20,
        "progress_on_time / progress_total",
    ),
    measured(
        "2.2",
        "AVERAGE_PROCESSING_DAYS",
        2,
        _("Average processing time (days, monitoring)"),
        0,
        "completed_days / completed",
    ),
    # group 3: online public services (12, split not confirmed: the API shows the 12 points on
    # full-process dossiers of full-process procedures; 3.1–3.3 are shown as monitoring)
    measured(
        "3.0",
        "FULL_PROCESS_ONLINE_DOSSIERS",
        3,
        _("Full-process online dossiers of full-process procedures"),
        12,
        "full_process_online / full_process_dossiers",
    ),
    measured(
        "3.1",
        "ONLINE_SERVICE_PROCEDURES",
        3,
        _("Procedures offered online (full-process)"),
        0,
        "full_process / procedures",
        catalog=True,
        target=80,
    ),
    measured(
        "3.2",
        "ONLINE_SERVICE_WITH_DOSSIERS",
        3,
        _("Online services with at least one online dossier"),
        0,
        "procedure_online: / catalog:online_procedures",
        distinct=True,
    ),
    measured(
        "3.3",
        "ONLINE_DOSSIER_SHARE",
        3,
        _("Dossiers received online"),
        0,
        "online_counted / received",
        target=50,
    ),
    # group 4: online payment (10): score = 6·A + min(2, 2.5·B) + min(2, 2.5·C) (§2.3)
    measured(
        "3.5",
        "FEE_PROCEDURES_WITH_DOSSIERS",
        4,
        _("Fee-bearing procedures with fee-bearing dossiers"),
        2,
        "procedure_fee: / catalog:fee_procedures",
        distinct=True,
        target=80,
    ),
    measured(
        "3.5b",
        "FEE_PROCEDURES_PAID_ONLINE",
        4,
        _("Fee-bearing procedures with an online payment"),
        2,
        "procedure_paid_online: / catalog:fee_procedures",
        distinct=True,
        target=80,
    ),
    measured(
        "3.6", "DOSSIERS_PAID_ONLINE", 4, _("Dossiers with a fee paid online"), 6, "paid_online / fee_due"
    ),
    # group 5: digitisation (22)
    measured(
        "4.1",
        "ORIGINAL_RESULT_AVAILABLE",
        5,
        _("Dossiers with an electronic result"),
        6,
        "result_electronic / result_required",
    ),
    measured(
        "4.2",
        "SO_HOA_GIAY_TO_GIAI_QUYET",
        5,
        _("Digitised dossiers (components and result)"),
        4,
        "digitised / received",
        target=80,
    ),
    unavailable(
        "n/a",
        "ELECTRONIC_CERTIFIED_COPY",
        5,
        _("Electronic certified copies from originals"),
        2,
        _("The methodology gives no formula, and the platform offers no certified-copy service."),
    ),
    # Plan 02 steering: the catalog's own state (``catalog lint``), monitoring only
    measured(
        "C.2",
        "COMPONENTS_REPLACED_BY_DATA",
        5,
        _("Dossier components replaced by data (catalog)"),
        0,
        "catalog:data_components / catalog:components",
        catalog=True,
        target=100,
    ),
    measured(
        "4.3",
        "REUSED_DIGITIZED_DATA",
        5,
        _("Dossiers reusing digitised data"),
        2,
        "reused / received",
        target=80,
    ),
    measured(
        "4.4",
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        5,
        _("Dossiers using the personal data store"),
        4,
        "personal_store / received",
    ),
    unavailable(
        "4.5a",
        "CITIZEN_DATA_CONNECTED_FORMALITY",
        5,
        _("Procedures connected to the population database"),
        2,
        _("Needs each procedure's count of dossiers using population data per scope, not kept yet."),
    ),
    measured(
        "4.5b",
        "CITIZEN_DATA_CONNECTED_DOSSIER",
        5,
        _("Dossiers using population data"),
        2,
        "citizen_data / received",
    ),
    # group 6: satisfaction (18)
    measured(
        "5.2",
        "PETITION_PROCESSING_ON_TIME",
        6,
        _("Petitions handled on time"),
        6,
        "petitions_on_time / petitions",
        zero=Zero.FULL,
    ),
    measured(
        "5.3",
        "PETITION_HANDLING_SATISFACTION",
        6,
        _("Satisfaction with the handling of petitions"),
        6,
        "petitions_satisfied / petitions",
        zero=Zero.FULL,
    ),
    measured(
        "5.4",
        "DOSSIER_RECEIVING_SATISFACTION",
        6,
        _("Satisfaction with the handling of dossiers"),
        6,
        "received - late - unhappy / received",
        target=90,
    ),
)
INDICATORS = {i.id: i for i in DEFINITIONS}

# Rating bands shown on dashboards (§2.1). The cut-offs were not found [M]: these are ours,
# provisional, on the total of 100 points.
BANDS: tuple[tuple[Decimal, str, Promise], ...] = (
    (D(90), "excellent", _("Excellent")),
    (D(80), "good", _("Good")),
    (D(65), "fair", _("Fair")),
    (D(50), "average", _("Average")),
    (D(0), "weak", _("Weak")),
)

# Plan 02 / Decision 1565 targets used when no one has set one for a scope and period [M: the
# plan's per-indicator figures are the issue's: ≥ 80% of dossiers online, ≥ 80% of procedures
# full-process, 100% electronic results and reuse of data (Decision 1565, 2025), ≥ 95% satisfaction
# (2026)].
DEFAULT_TARGETS: dict[str, Decimal] = {
    "3.0": D(80),
    "3.1": D(80),
    "C.2": D(100),
    "4.1": D(100),
    "4.3": D(100),
    "5.4": D(95),
}

TWO = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int
    ratio: Decimal | None  # percent, 2 decimals; None: no figure (zero denominator)
    score: Decimal | None


def score(indicator: Indicator, numerator: int, denominator: int) -> Figure:
    """§2.2's rule for one indicator (2.2, an average, gives its value in ``ratio``)."""
    if denominator <= 0:
        if indicator.zero == Zero.FULL:
            return Figure(numerator, denominator, None, rounded(indicator.max_points))
        return Figure(numerator, denominator, None, None)
    numerator = max(numerator, 0)
    if indicator.id == "2.2":
        return Figure(numerator, denominator, rounded(Decimal(numerator) / denominator), None)
    ratio = rounded(Decimal(numerator) * 100 / denominator)
    points = indicator.max_points
    if not points:
        return Figure(numerator, denominator, ratio, None)
    if indicator.target is not None:
        value = points if ratio >= indicator.target else ratio * points / indicator.target
    else:
        value = points * ratio / 100
    return Figure(numerator, denominator, ratio, rounded(min(value, points)))


def band(total: Decimal) -> tuple[str, Promise]:
    for floor, key, label in BANDS:
        if total >= floor:
            return key, label
    return BANDS[-1][1], BANDS[-1][2]
