"""The metrics app's vocabulary (ADR 0032): its own writes are the figures' rebuild and the
steering targets."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class MetricsEvent(EventKind):
    RECOMPUTED = "metrics.recomputed", "Decision 766 figures rebuilt from the event log"
    TARGET_SET = "metrics.target_set", "Steering target set"
    FOLLOWUP_ISSUED = "metrics.followup_issued", "Five-day follow-up report issued"


class MetricsSubject(SubjectKind):
    FIGURES = "metrics.figures", "Decision 766 figures"
    TARGET = "metrics.target", "Steering target"
    FOLLOWUP = "metrics.followup", "Five-day follow-up report"
