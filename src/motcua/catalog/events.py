"""The catalog app's vocabulary: its event types (also its audit entries' types) and
its audit subject types, registered with core in ``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class CatalogEvent(EventKind):
    PROCEDURE_PUBLISHED = "catalog.procedure_published", "Procedure published"
    PROCEDURE_UPDATED = "catalog.procedure_updated", "Procedure updated"
    PROCEDURE_WITHDRAWN = "catalog.procedure_withdrawn", "Procedure withdrawn"
    BUNDLE_PUBLISHED = "catalog.bundle_published", "Bundle published"
    BUNDLE_UPDATED = "catalog.bundle_updated", "Bundle updated"
    BUNDLE_WITHDRAWN = "catalog.bundle_withdrawn", "Bundle withdrawn"


class CatalogSubject(SubjectKind):
    """What the catalog app's audit entries and events are about."""

    PROCEDURE = "catalog.procedure", "Procedure"
    BUNDLE = "catalog.bundle", "Bundle of procedures"
