"""The units app's vocabulary: its event types (also its audit entries' types) and
its audit subject types, registered with core in ``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class UnitEvent(EventKind):
    UNITS_RELOADED = "units.reloaded", "Administrative units reloaded"
    AGENCY_CREATED = "units.agency_created", "Agency created"
    AGENCY_UPDATED = "units.agency_updated", "Agency updated"


class UnitSubject(SubjectKind):
    """What the units app's audit entries and events are about."""

    DATASET = "units.dataset", "Administrative units dataset"
    AGENCY = "units.agency", "Agency"
