"""The typed vocabulary of audit records and events: the base every domain's enum extends.

One enum per domain serves both logs: every audited change is also an event in the outbox, so a
metric, a notification or an integration reacts to exactly what was audited. Each domain app
declares its members in ``<app>/events.py``, with values of the form ``<app>.<verb_past>``,
and registers them with ``core.vocabulary`` from its ``AppConfig.ready`` (ADR 0032); core's
columns carry no ``choices``.
"""

from __future__ import annotations

from django.db import models


class SubjectKind(models.TextChoices):
    """The base of every domain's audit subject types: what an entry or event is about (ADR 0032)."""


class EventKind(models.TextChoices):
    """The base of every domain's event types (no members of its own)."""


class CoreEvent(EventKind):
    CALENDAR_EXCEPTION_SET = "core.calendar_exception_set", "Calendar exception set"
    CALENDAR_EXCEPTION_REMOVED = "core.calendar_exception_removed", "Calendar exception removed"


class CoreSubject(SubjectKind):
    """What the core app's audit entries and events are about."""

    CALENDAR_EXCEPTION = "core.calendar_exception", "Calendar exception"
