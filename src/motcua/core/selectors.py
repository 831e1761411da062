"""Reads owned by ``core``."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.core.models import AuditEntry, Event
from motcua.core.types import SubjectKind


def audit_trail_for_subject(*, subject_type: SubjectKind, subject_id: str | int) -> QuerySet[AuditEntry]:
    """Audit entries about one subject, oldest first. Callers scope access to the subject first."""
    return AuditEntry.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by("id")


def pending_events() -> QuerySet[Event]:
    return Event.objects.filter(dispatched_at__isnull=True).order_by("id")
