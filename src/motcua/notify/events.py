"""The notify app's vocabulary: its event types (also its audit entries' types) and
its audit subject types, registered with core in ``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class NotifyEvent(EventKind):
    NOTIFICATION_CREATED = "notify.notification_created", "Applicant notified"
    NOTIFICATION_READ = "notify.notification_read", "Notification read"
    NOTIFICATIONS_READ = "notify.notifications_read", "All notifications marked read"


class NotifySubject(SubjectKind):
    """What the notify app's audit entries and events are about."""

    NOTIFICATION = "notify.notification", "Notification"
