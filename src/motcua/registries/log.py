"""The registries' access log: writing entries, sealing them into hash chains, verifying.

Writing is one insert: each entry stores the SHA-256 of its own content and nothing that
depends on other rows, so concurrent requests never wait on a chain lock. Every few seconds a
sealer (``seal_pending``, run by a thread in each server process and by ``motcua registries
log seal``) takes one chain's unsealed entries in id order, writes a ``LogSeal`` holding the
digest of their hashes and the previous seal's hash, and marks the entries with it, under the
chain head's row lock. Entries are therefore tamper-evident from the moment they are sealed;
the window before that is ``SEAL_SECONDS`` (docs/registries.md discusses the trade-off, after
X-Road's experience that per-message log costs dominate).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, close_old_connections, connection, models, transaction
from django.db.models import F
from django.utils import timezone

from motcua.core.hashchain import GENESIS, BrokenLink, VerifyReport, canonical_time, content_digest
from motcua.registries import conf
from motcua.registries.models import LogEntry, LogHead, LogSeal

logger = logging.getLogger(__name__)
SEAL_BATCH = 10_000
_UPDATE_CHUNK = 500


def entry_content(entry: LogEntry) -> dict[str, Any]:
    return {
        "occurred_at": canonical_time(entry.occurred_at),
        "chain": entry.chain,
        "outcome": entry.outcome,
        "error_code": entry.error_code,
        "agency": [entry.agency_code, entry.key_id, entry.is_verified],
        "procedure": entry.procedure_code,
        "dossier": entry.dossier_ref,
        "purpose": entry.purpose,
        "legal_basis": entry.legal_basis,
        "subject": entry.subject_id,
        "fields": entry.fields,
        "consent": entry.consent_ref,
        "request_id": entry.request_id,
        "nonce": entry.nonce,
        "request_digest": entry.request_digest,
        "detail": entry.detail,
    }


def entry_digest(entry: LogEntry) -> str:
    return content_digest(entry_content(entry))


def append(entry: LogEntry) -> LogEntry:
    """Hash and insert an unsaved entry (in the caller's transaction, if any)."""
    entry.entry_hash = entry_digest(entry)
    entry.save()
    return entry


class Replay(Exception):
    """The entry's nonce was already accepted: the request is a replay."""


@dataclass
class _Pending:
    entry: LogEntry
    woken: threading.Event = field(default_factory=threading.Event)
    done: bool = False  # written (or failed): ``replay`` and ``error`` say how
    replay: bool = False
    error: BaseException | None = None


class GroupCommitWriter:
    """Writes request entries with group commit, leader and followers.

    A request thread that finds nobody writing becomes the leader: it takes every entry waiting
    (its own and those that arrived meanwhile), writes them in one transaction, wakes their
    requests, and hands the lead to the first request that arrived during its write. A request
    still returns only after its entry is committed (nothing answered goes unlogged), but
    concurrent requests share one commit instead of queueing one by one for the database's write
    lock, which is what made per-request logging expensive (ADR 0010). Under light load every
    request is its own leader; under load each follower is woken exactly once."""

    def __init__(self, *, max_batch: int = 500) -> None:
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._waiting: list[_Pending] = []
        self._writing = False

    def submit(self, entry: LogEntry) -> LogEntry:
        """Insert the entry (hashing it first) and return it with its id; ``Replay`` if its nonce
        was used before."""
        entry.entry_hash = entry_digest(entry)
        pending = _Pending(entry)
        with self._lock:
            self._waiting.append(pending)
            lead = not self._writing
            self._writing = True
        if not lead:
            pending.woken.wait()  # written by a leader, or made the next leader
        if not pending.done:
            self._lead()
        if pending.error is not None:
            raise pending.error
        if pending.replay:
            raise Replay
        return entry

    def _lead(self) -> None:
        with self._lock:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
        try:
            self._write(batch)
        except BaseException as exc:  # every request of the batch fails with it
            for pending in batch:
                pending.error = exc
            close_old_connections()
        with self._lock:
            following = self._waiting[0] if self._waiting else None
            self._writing = following is not None
        for pending in batch:
            pending.done = True
            pending.woken.set()
        if following is not None:
            following.woken.set()  # its request leads the next write

    @staticmethod
    def _write(batch: list[_Pending]) -> None:
        try:
            _insert([pending.entry for pending in batch])
            return
        except IntegrityError:  # a replayed nonce somewhere in the batch: find it entry by entry
            for pending in batch:
                pending.entry.pk = None
        with transaction.atomic():
            for pending in batch:
                try:
                    with transaction.atomic():
                        pending.entry.save()
                except IntegrityError:
                    pending.entry.pk = None
                    pending.replay = True


writer = GroupCommitWriter()
_COLUMNS = [column for column in LogEntry._meta.concrete_fields if not column.primary_key]
# Values of these types go to the driver as they are for every column but JSON and date-time ones
# (what ``get_db_prep_save`` returns for them unchanged); the rest go through the field.
_PLAIN = (str, bool, int, type(None))
_CONVERTED = frozenset(
    index
    for index, column in enumerate(_COLUMNS)
    if isinstance(column, (models.JSONField, models.DateTimeField, models.DateField))
)


@functools.cache
def _insert_sql(vendor: str, rows: int) -> str:
    """``INSERT … VALUES (…), … RETURNING id`` for ``rows`` entries (built once per size)."""
    placeholder = "?" if vendor == "sqlite" else "%s"
    names = ", ".join(connection.ops.quote_name(column.column or column.attname) for column in _COLUMNS)
    row = "(" + ", ".join([placeholder] * len(_COLUMNS)) + ")"
    table = connection.ops.quote_name(LogEntry._meta.db_table)
    return f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * rows)} RETURNING id"  # noqa: S608


def _parameters(entries: list[LogEntry]) -> list[Any]:
    parameters = []
    for entry in entries:
        for index, column in enumerate(_COLUMNS):
            value = getattr(entry, column.attname)
            if index in _CONVERTED or not isinstance(value, _PLAIN):
                value = column.get_db_prep_save(value, connection)
            parameters.append(value)
    return parameters


def _insert(entries: list[LogEntry]) -> None:
    """One transaction of one multi-row ``INSERT … RETURNING id`` (SQLite ≥ 3.35, PostgreSQL),
    through the database driver itself.

    This is the only write on the path of every registry request; Django's transaction and cursor
    layers cost more than the insert (≈ 120 µs of ≈ 210 µs on SQLite), so it does without them,
    and its SQL is built once per batch size. It must not run inside a Django transaction (the
    writer's leader never does). A unique-nonce violation rolls the whole batch back and raises
    ``IntegrityError``."""
    connection.ensure_connection()
    raw: Any = connection.connection
    vendor = connection.vendor
    sql = _insert_sql(vendor, len(entries))
    parameters = _parameters(entries)
    cursor = raw.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE" if vendor == "sqlite" else "BEGIN")
        try:
            with connection.wrap_database_errors:  # the driver's errors as Django's IntegrityError, …
                cursor.execute(sql, parameters)
                ids = [row_id for (row_id,) in cursor.fetchall()]
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
    finally:
        cursor.close()
    for entry, entry_id in zip(entries, ids, strict=True):
        entry.pk = entry_id
        entry._state.adding = False


def _seal_digest(seal: LogSeal) -> str:
    return hashlib.sha256(
        "|".join(
            [
                seal.prev_hash,
                seal.chain,
                str(seal.count),
                str(seal.first_entry_id),
                str(seal.last_entry_id),
                seal.entries_digest,
                canonical_time(seal.sealed_at),
            ]
        ).encode()
    ).hexdigest()


def _entries_digest(hashes: list[str]) -> str:
    return hashlib.sha256("".join(hashes).encode()).hexdigest()


def _locked_head(chain: str) -> LogHead:
    head = LogHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            LogHead.objects.create(chain=chain, last_hash=GENESIS)
    except IntegrityError:  # created concurrently
        pass
    return LogHead.objects.select_for_update().get(chain=chain)


def seal_chain(chain: str) -> int:
    """Seal up to ``SEAL_BATCH`` unsealed entries of one chain; how many were sealed."""
    with transaction.atomic():
        head = _locked_head(chain)
        rows = list(
            LogEntry.objects.filter(chain=chain, seal__isnull=True)
            .order_by("id")
            .values_list("id", "entry_hash")[:SEAL_BATCH]
        )
        if not rows:
            return 0
        seal = LogSeal(
            chain=chain,
            sealed_at=timezone.now(),
            count=len(rows),
            first_entry_id=rows[0][0],
            last_entry_id=rows[-1][0],
            entries_digest=_entries_digest([entry_hash for _id, entry_hash in rows]),
            prev_hash=head.last_hash,
        )
        seal.seal_hash = _seal_digest(seal)
        seal.save()
        ids = [entry_id for entry_id, _hash in rows]
        for start in range(0, len(ids), _UPDATE_CHUNK):
            LogEntry.objects.filter(id__in=ids[start : start + _UPDATE_CHUNK]).mark_sealed(seal)
        LogHead.objects.filter(chain=chain).update(
            last_seal_id=seal.pk,
            last_hash=seal.seal_hash,
            seals=F("seals") + 1,
            entries=F("entries") + len(rows),
        )
        return len(rows)


def seal_pending() -> int:
    """Seal every chain's pending entries; the number of entries sealed."""
    total = 0
    chains = list(
        LogEntry.objects.filter(seal__isnull=True).order_by().values_list("chain", flat=True).distinct()
    )
    for chain in sorted(chains):
        while (sealed := seal_chain(chain)) > 0:
            total += sealed
            if sealed < SEAL_BATCH:
                break
    return total


# --- verification -------------------------------------------------------------------------------


def _seals(chain: str) -> Iterator[LogSeal]:
    last_id = 0
    while True:
        batch = list(LogSeal.objects.filter(chain=chain, id__gt=last_id).order_by("id")[:500])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].pk


def _verify_chain(head: LogHead) -> tuple[int, BrokenLink | None]:
    running = GENESIS
    count = 0
    seals = 0
    last_seal_id: int | None = None
    for seal in _seals(head.chain):
        seals += 1
        if seal.prev_hash != running:
            return count, BrokenLink(
                head.chain, seal.first_entry_id, "seal does not link to the previous seal"
            )
        if _seal_digest(seal) != seal.seal_hash:
            return count, BrokenLink(
                head.chain, seal.first_entry_id, "seal does not match its hash (altered)"
            )
        entries = list(LogEntry.objects.filter(seal=seal).order_by("id"))
        for entry in entries:
            if entry_digest(entry) != entry.entry_hash:
                return count, BrokenLink(head.chain, entry.pk, "content does not match its hash (altered)")
        ids = [entry.pk for entry in entries]
        if (
            len(entries) != seal.count
            or _entries_digest([entry.entry_hash for entry in entries]) != seal.entries_digest
            or (ids and (ids[0] != seal.first_entry_id or ids[-1] != seal.last_entry_id))
        ):
            return count, BrokenLink(
                head.chain,
                seal.first_entry_id,
                "sealed entries are missing or were moved (deleted or reordered)",
            )
        count += len(entries)
        running = seal.seal_hash
        last_seal_id = seal.pk
    if head.last_hash != running or head.last_seal_id != last_seal_id or head.seals != seals:
        return count, BrokenLink(head.chain, None, "does not match the last seal (seals removed at the end)")
    return count, None


def verify_log() -> VerifyReport:
    report = VerifyReport()
    heads = {head.chain: head for head in LogHead.objects.order_by("chain")}
    sealed_chains = set(LogSeal.objects.order_by().values_list("chain", flat=True).distinct())
    for chain in sorted(sealed_chains - set(heads)):
        report.broken.append(BrokenLink(chain, None, "seals exist but the chain head is missing"))
    for head in heads.values():
        count, broken = _verify_chain(head)
        report.chains += 1
        report.entries += count
        if broken is not None:
            report.broken.append(broken)
    return report


# --- the sealer thread ---------------------------------------------------------------------------


class Sealer(threading.Thread):
    """Seals pending entries every ``SEAL_SECONDS`` in a server process (one per process is safe:
    sealing takes the chain head's lock)."""

    def __init__(self, interval: float | None = None) -> None:
        super().__init__(name="registries-log-sealer", daemon=True)
        self.interval = float(interval if interval is not None else conf.seal_seconds())
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                close_old_connections()
                seal_pending()
            except Exception:  # keep sealing on the next tick; the entries wait, nothing is lost
                logger.exception("Sealing the access log failed")
            finally:
                close_old_connections()


_sealer: Sealer | None = None
_sealer_lock = threading.Lock()


def start_sealer() -> None:
    """Start this process's sealer once (called on the first request, after gunicorn forks)."""
    global _sealer
    with _sealer_lock:
        if _sealer is None and conf.seal_seconds() > 0:
            _sealer = Sealer()
            _sealer.start()
