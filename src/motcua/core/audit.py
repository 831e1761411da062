"""Tamper evidence for the audit log: per-chain hash links and their verification.

Each entry's hash is SHA-256 over a canonical JSON of its content and the previous entry's
hash in the same chain. The chain head (``AuditChainHead``) holds the last hash, so
removing entries at the end is detected too. Verification walks each chain in id order and
reports the first broken link. This detects tampering by anyone who can write the
database but not recompute every later hash and the head consistently; anchoring the heads
outside the database (signed and timestamped) is the next step (docs/threat-model.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from motcua.core.hashchain import GENESIS, BrokenLink, VerifyReport, canonical_time, content_digest
from motcua.core.models import AuditChainHead, AuditEntry

PLATFORM_CHAIN = "platform"


def chain_for(agency_code: str) -> str:
    return agency_code or PLATFORM_CHAIN


def entry_digest(entry: AuditEntry, prev_hash: str) -> str:
    content: dict[str, Any] = {
        "prev": prev_hash,
        "chain": entry.chain,
        "occurred_at": canonical_time(entry.occurred_at),
        "type": entry.type,
        "actor": [entry.actor_kind, entry.actor_id, entry.actor_agency_code],
        "agency": entry.agency_code,
        "subject": [entry.subject_type, entry.subject_id],
        "changes": entry.changes,
        "request_id": entry.request_id,
    }
    return content_digest(content)


def _locked_head(chain: str) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(chain=chain, last_hash=GENESIS)
    except IntegrityError:  # created concurrently by another transaction
        pass
    return AuditChainHead.objects.select_for_update().get(chain=chain)


def append_entry(entry: AuditEntry) -> AuditEntry:
    """Link and insert an unsaved entry. Must run inside the caller's transaction."""
    entry.chain = chain_for(entry.agency_code)
    head = _locked_head(entry.chain)
    entry.prev_hash = head.last_hash
    entry.entry_hash = entry_digest(entry, head.last_hash)
    entry.save()
    AuditChainHead.objects.filter(chain=entry.chain).update(
        last_entry_id=entry.pk, last_hash=entry.entry_hash, length=F("length") + 1
    )
    return entry


def _entries(chain: str, batch: int = 2000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(chain=chain, id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last_id = rows[-1].pk


def verify_chain(head: AuditChainHead) -> tuple[int, BrokenLink | None]:
    running = GENESIS
    count = 0
    last_id: int | None = None
    for entry in _entries(head.chain):
        count += 1
        if entry.prev_hash != running:
            return count, BrokenLink(
                head.chain, entry.pk, "does not link to the previous entry (deleted or reordered)"
            )
        if entry_digest(entry, running) != entry.entry_hash:
            return count, BrokenLink(head.chain, entry.pk, "content does not match its hash (altered)")
        running = entry.entry_hash
        last_id = entry.pk
    if head.last_hash != running or head.last_entry_id != last_id or head.length != count:
        return count, BrokenLink(
            head.chain, None, "does not match the last entry (entries removed at the end)"
        )
    return count, None


def verify_audit_log() -> VerifyReport:
    report = VerifyReport()
    heads = {head.chain: head for head in AuditChainHead.objects.order_by("chain")}
    orphan_chains = set(AuditEntry.objects.order_by().values_list("chain", flat=True).distinct()) - set(heads)
    for chain in sorted(orphan_chains):
        report.broken.append(BrokenLink(chain, None, "entries exist but the chain head is missing"))
    for head in heads.values():
        count, broken = verify_chain(head)
        report.chains += 1
        report.entries += count
        if broken is not None:
            report.broken.append(broken)
    return report
