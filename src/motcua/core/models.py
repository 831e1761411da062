"""Audit log, event log (the transactional outbox) and working-calendar exceptions.

These are the only models in ``core``; they carry no domain data, only references to it.
Both logs are append-only: rows are inserted by ``core.services.record_change`` inside
the caller's transaction and never updated, except the outbox bookkeeping columns of
``Event`` which only the dispatcher touches.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models
from django.utils import timezone

from motcua.core.types import EventType


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")

    def mark_sealed(self, entries: list[AuditEntry]) -> int:
        """The one permitted change: the sealer records each entry's place and link in its chain
        (``core.audit.seal_chain``), once, on entries it has just read unsealed."""
        if not entries:
            return 0
        ids = [entry.pk for entry in entries]

        def case(field: str, output: models.Field[Any, Any]) -> models.Case:
            return models.Case(
                *[models.When(pk=entry.pk, then=models.Value(getattr(entry, field))) for entry in entries],
                output_field=output,
            )

        return models.QuerySet.update(
            self.filter(pk__in=ids, position__isnull=True),
            position=case("position", models.PositiveBigIntegerField()),
            prev_hash=case("prev_hash", models.CharField()),
            entry_hash=case("entry_hash", models.CharField()),
        )


class AuditEntry(models.Model):
    """One audited change: who did what to which subject, on behalf of which agency.

    Written with only the hash of its own content (``content_hash``), without any lock;
    the sealer later gives it its ``position`` in its chain (one per agency, ``platform`` for
    the rest), the previous entry's hash (``prev_hash``) and its link hash (``entry_hash``), so
    editing, deleting or reordering a sealed row breaks the chain (``motcua audit verify``,
    core/audit.py, ADR 0030). Unsealed rows have ``position`` null and empty link hashes.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    type = models.CharField(max_length=64, choices=EventType.choices)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=128)
    actor_agency_code = models.CharField(max_length=64, blank=True)
    agency_code = models.CharField(max_length=64, blank=True, db_index=True)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=128)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    chain = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)
    position = models.PositiveBigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="core_audit_subject_idx"),
            models.Index(
                fields=["chain", "id"],
                name="core_audit_unsealed_idx",
                condition=models.Q(position__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="core_audit_chain_position_uniq"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.type} {self.subject_type}:{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")


class AuditChainHead(models.Model):
    """The last link of one audit chain; locked only by the sealer, so links never fork."""

    chain = models.CharField(max_length=64, primary_key=True)
    last_entry_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.chain} ({self.length})"


class Event(models.Model):
    """A typed domain event, written with the change it describes (transactional outbox).

    ``dispatched_at`` stays empty until every registered handler has run; the dispatcher
    retries with back-off using ``attempts`` and ``next_attempt_at``.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    type = models.CharField(max_length=64, choices=EventType.choices, db_index=True)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=128)
    agency_code = models.CharField(max_length=64, blank=True)
    unit_code = models.CharField(max_length=16, blank=True)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=128)
    payload = models.JSONField(default=dict, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="core_event_pending_idx",
                condition=models.Q(dispatched_at__isnull=True),
            ),
            models.Index(fields=["subject_type", "subject_id"], name="core_event_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type} {self.subject_type}:{self.subject_id}"


class EventDelivery(models.Model):
    """Proof that one handler has processed one event; makes redelivery skip it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    handler = models.CharField(max_length=128)
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="core_delivery_once")]

    def __str__(self) -> str:
        return f"{self.handler} <- event #{self.event_id}"


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", "Day off"
    WORKING_DAY = "working_day", "Working day"


class CalendarException(models.Model):
    """A day whose status differs from the official calendar (extra day off, make-up day)."""

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=16, choices=CalendarExceptionKind.choices)
    reason = models.CharField(max_length=255)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class RateCounter(models.Model):
    """One fixed window's count of one rate-limited key (``core.ratelimit``), when the rate
    limits are kept in the database: incremented by one ``INSERT … ON CONFLICT DO UPDATE …
    RETURNING`` instead of the database cache's read, cull count and write. ``counter_key``
    names the scope, window and hashed key (no address or username); expired rows are purged
    hourly (``core.tasks.purge_rate_counters``)."""

    counter_key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # Unix time

    class Meta:
        db_table = "core_ratecounter"  # named in core.ratelimit's statements

    def __str__(self) -> str:
        return f"{self.counter_key}={self.count}"
