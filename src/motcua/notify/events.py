"""The notify app's vocabulary: its event types (also its audit entries' types) and its audit
subject types, registered with core in ``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class NotifyEvent(EventKind):
    NOTIFICATION_CREATED = "notify.notification_created", "Applicant notified"
    NOTIFICATION_READ = "notify.notification_read", "Notification read"
    NOTIFICATIONS_READ = "notify.notifications_read", "All notifications marked read"
    CONTACT_ADDED = "notify.contact_added", "Contact address added (verification code sent)"
    CONTACT_CODE_SENT = "notify.contact_code_sent", "Verification code sent again"
    CONTACT_VERIFIED = "notify.contact_verified", "Contact address verified"
    CONTACT_CODE_REFUSED = "notify.contact_code_refused", "Wrong or expired verification code"
    CONTACT_CHANGED = "notify.contact_changed", "Contact preferences changed"
    CONTACT_REMOVED = "notify.contact_removed", "Contact address removed"
    DELIVERY_SENT = "notify.delivery_sent", "Notification sent by e-mail or SMS"
    DELIVERY_FAILED = "notify.delivery_failed", "Sending a notification failed (will retry)"
    DELIVERY_DEAD = "notify.delivery_dead", "Notification not delivered: dead letter"
    DELIVERY_DELIVERED = "notify.delivery_delivered", "Delivery receipt: delivered"
    DELIVERY_RETRIED = "notify.delivery_retried", "Dead letter sent again by an operator"
    DELIVERY_RESOLVED = "notify.delivery_resolved", "Dead letter resolved by an operator"


class NotifySubject(SubjectKind):
    """What the notify app's audit entries and events are about."""

    NOTIFICATION = "notify.notification", "Notification"
    CONTACT_POINT = "notify.contact_point", "Contact address"
    DELIVERY = "notify.delivery", "Delivery by e-mail or SMS"
