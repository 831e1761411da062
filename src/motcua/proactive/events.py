"""The proactive app's vocabulary: its event types (also its audit entries' types) and audit
subject types, registered with core in ``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class ProactiveEvent(EventKind):
    OFFER_MADE = "proactive.offer_made", "Proactive offer made"
    OFFER_DISMISSED = "proactive.offer_dismissed", "Proactive offer dismissed"
    OFFER_TAKEN = "proactive.offer_taken", "Proactive offer taken (application started)"
    OFFER_SKIPPED = "proactive.offer_skipped", "Proactive offer not made (the person opted out)"
    PREFERENCES_CHANGED = "proactive.preferences_changed", "Proactive offer preferences changed"


class ProactiveSubject(SubjectKind):
    OFFER = "proactive.offer", "Proactive offer"
    PREFERENCES = "proactive.preferences", "Proactive offer preferences"
