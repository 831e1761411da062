"""Tamper evidence for the audit log: entries written without a lock, chained in the background.

Writing an entry (``write_entry``, called by ``core.services.record_change`` inside the
service's transaction) is one insert: the entry stores the SHA-256 of its own content
(``content_hash``) and nothing that depends on other rows, so no request waits on a chain
head — the national ``platform`` chain and each agency's chain used to be locked on every
change (ADR 0030).

A sealer (``seal_pending``; run by the worker every few seconds, periodically by huey, and by
``motcua audit seal``) then links one chain's committed, unsealed entries in the order it sees
them, in batches, under that chain's head row lock, exactly as the registries' access log does
(``registries.log``): each entry gets its ``position`` in the chain, ``prev_hash`` (the previous
entry's ``entry_hash``) and ``entry_hash`` (SHA-256 over its content and ``prev_hash``), and the
head holds the last hash, entry and length. Entries that commit out of id order (PostgreSQL
assigns ids at insert, not at commit) are simply sealed by a later batch: the chain's order is
the order the sealer saw commits in, never a gap it would have to fill later.

Verification walks each chain by position and names the first broken link: an altered entry
(its content no longer matches ``content_hash`` or ``entry_hash``), a deleted or reordered one
(the next entry does not link to the previous), entries removed at the end (the head does not
match). Entries not yet sealed are checked against their own content hash and reported as
unsealed, with the age of the oldest; the window is bounded by the sealer's interval
(docs/operations.md). This detects tampering by anyone who can write the database but not
recompute every later hash and the head consistently; anchoring the heads outside the
database (signed and timestamped) is the next step (docs/threat-model.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from motcua.core.hashchain import GENESIS, BrokenLink, VerifyReport, canonical_time, content_digest
from motcua.core.models import AuditChainHead, AuditEntry

PLATFORM_CHAIN = "platform"
SEAL_BATCH = 2000
_UPDATE_CHUNK = 200


def chain_for(agency_code: str) -> str:
    return agency_code or PLATFORM_CHAIN


def entry_content(entry: AuditEntry) -> dict[str, Any]:
    return {
        "chain": entry.chain,
        "occurred_at": canonical_time(entry.occurred_at),
        "type": entry.type,
        "actor": [entry.actor_kind, entry.actor_id, entry.actor_agency_code],
        "agency": entry.agency_code,
        "subject": [entry.subject_type, entry.subject_id],
        "changes": entry.changes,
        "request_id": entry.request_id,
    }


def content_hash(entry: AuditEntry) -> str:
    """The entry's own hash, computed when it is written: depends on no other row."""
    return content_digest(entry_content(entry))


def entry_digest(entry: AuditEntry, prev_hash: str) -> str:
    """The entry's link in its chain: its content and the previous entry's ``entry_hash``."""
    return content_digest({"prev": prev_hash, **entry_content(entry)})


def prepare_entry(entry: AuditEntry) -> AuditEntry:
    """Give an unsaved entry its chain and its own content hash (before its insert)."""
    entry.chain = chain_for(entry.agency_code)
    entry.content_hash = content_hash(entry)
    return entry


def write_entry(entry: AuditEntry) -> AuditEntry:
    """Hash and insert an unsaved entry, in the caller's transaction; takes no lock."""
    prepare_entry(entry).save()
    return entry


# --- the sealer ------------------------------------------------------------------------------


def _locked_head(chain: str) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(chain=chain, last_hash=GENESIS)
    except IntegrityError:  # created concurrently by another sealer
        pass
    return AuditChainHead.objects.select_for_update().get(chain=chain)


def seal_chain(chain: str, *, batch: int = SEAL_BATCH) -> int:
    """Link up to ``batch`` committed, unsealed entries of one chain; how many were sealed.

    Runs in its own transaction under the chain head's row lock, so two sealers never fork a
    chain (the unique ``(chain, position)`` constraint would refuse it anyway). The entries are
    read after the lock is taken: on PostgreSQL (read committed) that statement sees every
    entry committed before it, including one whose id is lower than an entry already sealed."""
    with transaction.atomic():
        head = _locked_head(chain)
        entries = list(AuditEntry.objects.filter(chain=chain, position__isnull=True).order_by("id")[:batch])
        if not entries:
            return 0
        running = head.last_hash
        position = head.length
        for entry in entries:
            position += 1
            entry.position = position
            entry.prev_hash = running
            entry.entry_hash = entry_digest(entry, running)
            running = entry.entry_hash
        marked = 0
        for start in range(0, len(entries), _UPDATE_CHUNK):
            marked += AuditEntry.objects.all().mark_sealed(entries[start : start + _UPDATE_CHUNK])
        if marked != len(entries):  # another sealer got there first: roll this batch back
            raise RuntimeError(f"Sealing chain {chain} raced another sealer; nothing was sealed.")
        AuditChainHead.objects.filter(chain=chain).update(
            last_entry_id=entries[-1].pk, last_hash=running, length=F("length") + len(entries)
        )
        return len(entries)


def unsealed_chains() -> list[str]:
    return sorted(
        AuditEntry.objects.filter(position__isnull=True).order_by().values_list("chain", flat=True).distinct()
    )


def seal_pending(*, batch: int = SEAL_BATCH) -> int:
    """Seal every chain's committed, unsealed entries; the number of entries sealed."""
    total = 0
    for chain in unsealed_chains():
        while (sealed := seal_chain(chain, batch=batch)) > 0:
            total += sealed
            if sealed < batch:
                break
    return total


# --- verification ----------------------------------------------------------------------------


def _sealed_entries(chain: str, batch: int = 2000) -> Iterator[AuditEntry]:
    last_position = 0
    while True:
        rows = list(
            AuditEntry.objects.filter(chain=chain, position__gt=last_position).order_by("position")[:batch]
        )
        if not rows:
            return
        yield from rows
        last_position = rows[-1].position or 0


def _altered(entry: AuditEntry) -> BrokenLink:
    return BrokenLink(entry.chain, entry.pk, "content does not match its hash (altered)")


def verify_chain(head: AuditChainHead) -> tuple[int, BrokenLink | None]:
    """Walk one chain's sealed entries by position; their number and the first broken link."""
    running = GENESIS
    count = 0
    last_id: int | None = None
    for entry in _sealed_entries(head.chain):
        count += 1
        if entry.prev_hash != running or entry.position != count:
            return count, BrokenLink(
                head.chain, entry.pk, "does not link to the previous entry (deleted or reordered)"
            )
        if content_hash(entry) != entry.content_hash or entry_digest(entry, running) != entry.entry_hash:
            return count, _altered(entry)
        running = entry.entry_hash
        last_id = entry.pk
    if head.last_hash != running or head.last_entry_id != last_id or head.length != count:
        return count, BrokenLink(
            head.chain, None, "does not match the last entry (entries removed at the end)"
        )
    return count, None


def _verify_unsealed(report: VerifyReport, chains: set[str], batch: int = 2000) -> None:
    """Check the entries still waiting for the sealer against their own hashes; count them."""
    broken_chains = {link.chain for link in report.broken}
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(position__isnull=True, id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        for entry in rows:
            chains.add(entry.chain)
            report.entries += 1
            report.unsealed += 1
            if report.oldest_unsealed is None or entry.occurred_at < report.oldest_unsealed:
                report.oldest_unsealed = entry.occurred_at
            if content_hash(entry) != entry.content_hash and entry.chain not in broken_chains:
                report.broken.append(_altered(entry))
                broken_chains.add(entry.chain)
        last_id = rows[-1].pk


def verify_audit_log() -> VerifyReport:
    """Verify every chain's sealed entries and every unsealed entry's own hash.

    ``report.entries`` counts both; ``report.unsealed`` and ``report.oldest_unsealed`` say how
    many are still within the sealer's window (reported, not a failure)."""
    report = VerifyReport()
    heads = {head.chain: head for head in AuditChainHead.objects.order_by("chain")}
    sealed = AuditEntry.objects.filter(position__isnull=False).order_by()
    sealed_chains = set(sealed.values_list("chain", flat=True).distinct())
    for chain in sorted(sealed_chains - set(heads)):
        report.broken.append(BrokenLink(chain, None, "entries exist but the chain head is missing"))
    for head in heads.values():
        count, broken = verify_chain(head)
        report.entries += count
        if broken is not None:
            report.broken.append(broken)
    chains = set(heads) | sealed_chains
    _verify_unsealed(report, chains)
    report.chains = len(chains)
    return report


def unsealed_age(report: VerifyReport, *, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    if report.oldest_unsealed is None:
        return None
    return (now or timezone.now()) - report.oldest_unsealed
