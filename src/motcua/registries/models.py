"""Who may ask the registries, with which keys, and the append-only, hash-chained access log.

The records themselves live in the ``registry_data`` app (``motcua.registries.data``). Here:

- ``Agency`` and ``AgencyKey``: the requesters registered by the registry operator (imported
  from the platform's registration file) and their Ed25519 public keys; a key is never deleted,
  only revoked, so old log entries still name a known key.
- ``ConsentKey``: the public keys of the consent issuers (the platforms whose signed consent
  tokens the registries accept, ADR 0022), imported from the same registration file and, like
  agency keys, revoked rather than deleted.
- ``WriteRecord``: the answer to each accepted write, by agency and request id, so a write sent
  again gets the same answer and a different body under the same id is refused (ADR 0043).
- ``LogEntry``: one row per request, served or refused, and per administrative change. Rows are
  written once and never edited, except ``seal`` which the sealer sets once. Each row carries the
  SHA-256 of its own content; ``LogSeal`` rows chain batches of entries per registry (the
  "chain"), and ``LogHead`` holds each chain's last seal, so editing, deleting or moving a sealed
  entry, or dropping seals at the end, is detected by ``motcua registries log verify``.
  Sealing in batches keeps the request path to one insert (docs/registries.md, ADR 0010).
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models
from django.db.models import Q
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    pass


class Agency(models.Model):
    code = models.CharField(max_length=64, primary_key=True)
    name = models.CharField(max_length=255)
    agency_type = models.CharField(max_length=48)
    province_code = models.CharField(max_length=2, blank=True)
    is_active = models.BooleanField(default=True)
    registered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # Declared for mypy: the Django plugin checks against the platform's settings, where this
    # project's apps are not installed (as in motcua.eid.models).
    objects: ClassVar[models.Manager[Agency]] = models.Manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class AgencyKey(models.Model):
    kid = models.CharField(max_length=64, primary_key=True)  # RFC 7638 thumbprint
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="keys")
    public_jwk = models.JSONField()
    added_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    agency_id: str
    objects: ClassVar[models.Manager[AgencyKey]] = models.Manager()

    class Meta:
        ordering = ["agency_id", "added_at"]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.kid[:12]}"


class ConsentKey(models.Model):
    kid = models.CharField(max_length=64, primary_key=True)  # RFC 7638 thumbprint
    issuer = models.CharField(max_length=64)
    public_jwk = models.JSONField()
    added_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[ConsentKey]] = models.Manager()

    class Meta:
        ordering = ["issuer", "added_at"]

    def __str__(self) -> str:
        return f"consent {self.issuer}:{self.kid[:12]}"


class Outcome(models.TextChoices):
    SERVED = "served", "Served"
    NOT_FOUND = "not_found", "Subject not found"
    REFUSED = "refused", "Refused"
    ADMIN = "admin", "Administrative change"
    WRITTEN = "written", "Written"


class LogQuerySet(models.QuerySet["LogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The access log is append-only.")

    def mark_sealed(self, seal: LogSeal) -> int:
        """The one permitted change: the sealer records which seal covers these entries."""
        return models.QuerySet.update(self, seal=seal)


class LogEntry(models.Model):
    """One access, refusal or administrative change. Personal data: only the subject's ID."""

    occurred_at = models.DateTimeField(default=timezone.now)
    chain = models.CharField(max_length=32)  # a registry code, "access_log", "gateway" or "admin"
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error_code = models.CharField(max_length=40, blank=True)
    agency_code = models.CharField(max_length=64, blank=True)  # as claimed; see is_verified
    key_id = models.CharField(max_length=64, blank=True)
    is_verified = models.BooleanField(default=False)  # the signature verified with a registered key
    procedure_code = models.CharField(max_length=64, blank=True)
    dossier_ref = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    legal_basis = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=16, blank=True)
    fields = models.JSONField(default=list, blank=True)
    consent_ref = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # Set only on accepted requests: the unique index is the replay check, forever, not only
    # within the time window.
    nonce = models.CharField(max_length=64, null=True, blank=True, unique=True)
    request_digest = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    entry_hash = models.CharField(max_length=64)
    seal = models.ForeignKey(
        "LogSeal", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )

    seal_id: int | None
    objects: ClassVar[LogQuerySet] = LogQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["subject_id", "id"], name="registries_log_subject_idx"),
            models.Index(
                fields=["chain", "id"], name="registries_log_unsealed_idx", condition=Q(seal__isnull=True)
            ),
            models.Index(fields=["seal", "id"], name="registries_log_seal_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}-{self.pk} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log is append-only.")

    @property
    def reference(self) -> str:
        """How responses and the platform name this entry: ``<chain>-<id>``."""
        return f"{self.chain}-{self.pk}"


class WriteRecord(models.Model):
    """The answer given to one write, kept so that the same request id gets the same answer
    (ADR 0043): per agency and request id, the operation, subject, the digest of the body it
    was sent with, and the status and data answered. Written in the write's own transaction."""

    agency_code = models.CharField(max_length=64)
    request_id = models.CharField(max_length=64)
    registry = models.CharField(max_length=32)
    operation = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=16)
    body_digest = models.CharField(max_length=64)
    status = models.CharField(max_length=16)  # ok | not_found
    data = models.JSONField(null=True)
    written_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[models.Manager[WriteRecord]] = models.Manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency_code", "request_id"], name="registries_write_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code}:{self.request_id} {self.operation}"


class LogSeal(models.Model):
    """A batch of one chain's entries: the digest of their hashes, linked to the previous seal."""

    chain = models.CharField(max_length=32)
    sealed_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField()
    first_entry_id = models.BigIntegerField()
    last_entry_id = models.BigIntegerField()
    entries_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    seal_hash = models.CharField(max_length=64)

    objects: ClassVar[models.Manager[LogSeal]] = models.Manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["chain", "id"], name="registries_seal_chain_idx")]

    def __str__(self) -> str:
        return f"{self.chain} seal #{self.pk} ({self.count})"


class LogHead(models.Model):
    """The last seal of one chain; locked while sealing so the chain never forks."""

    chain = models.CharField(max_length=32, primary_key=True)
    last_seal_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)
    seals = models.PositiveBigIntegerField(default=0)
    entries = models.PositiveBigIntegerField(default=0)

    objects: ClassVar[models.Manager[LogHead]] = models.Manager()

    def __str__(self) -> str:
        return f"{self.chain} ({self.entries})"


class Change(models.Model):
    """One change of a registry's records, in its change feed (ADR 0063): numbered ``seq`` 1, 2, ...
    per registry in commit order (``FeedHead`` is locked while numbering), and hash-linked to the
    change before it. Written in the transaction that changed the records; never edited."""

    registry = models.CharField(max_length=32)
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=16)
    occurred_on = models.DateField()  # the synthetic world's date of the change
    recorded_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)  # the least the feed's readers need (protocol.feeds)
    prev_hash = models.CharField(max_length=64)
    change_hash = models.CharField(max_length=64)

    objects: ClassVar[models.Manager[Change]] = models.Manager()

    class Meta:
        ordering = ["registry", "seq"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["registry", "seq"], name="registries_change_seq")
        ]

    def __str__(self) -> str:
        return f"{self.registry}#{self.seq} {self.kind}"


class FeedHead(models.Model):
    """The last change of one registry's feed: locked while the next one is numbered."""

    registry = models.CharField(max_length=32, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    objects: ClassVar[models.Manager[FeedHead]] = models.Manager()

    def __str__(self) -> str:
        return f"{self.registry} feed @{self.last_seq}"


class WorldClock(models.Model):
    """The synthetic world's date (one row): ``registries advance --days N`` moves it on; until
    then it is the real date. Reference registries only."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    today = models.DateField()

    objects: ClassVar[models.Manager[WorldClock]] = models.Manager()

    def __str__(self) -> str:
        return str(self.today)
