"""The registries' change feeds (ADR 0063): what the platform sends to read one registry's changes
after a cursor, and what one change looks like.

A feed request is signed like a query (``REQUEST_TYPE``, the agency's key) and names the feed as
its audience, ``registry-changes:<registry>``; it carries no subject and no consent: the platform
reads a registry's changes under a legal basis of its own (the policy's ``feeds``). The answer is
an ordinary signed ``ExchangeResponse`` whose ``data`` is ``{"changes": [...], "last_seq": N}``.

Each change has a sequence number ``seq`` (1, 2, 3, ... without gaps, per registry, in the order
the registry committed them) and a hash linking it to the change before it: ``hash`` is the
SHA-256 of the change's content with ``prev_hash``, the hash of change ``seq - 1`` (``GENESIS``
for the first). A consumer that keeps the last hash it accepted therefore detects a change left
out, reordered or altered between pages, not only within one signed answer (``check_chain``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from motcua.protocol import ExchangeErrorCode, ProtocolError, _text, _time, new_nonce

FEED_AUDIENCE_PREFIX = "registry-changes:"
FEED_PAGE = 200  # the most changes one answer carries (~60 KB, under MAX_RESPONSE_BYTES)
GENESIS = "0" * 64

# What each registry's feed may carry (the registries record nothing else; the platform's rules
# may name only these).
FEED_KINDS: dict[str, tuple[str, ...]] = {
    "civil_status": ("birth_registered", "death_registered", "marriage_registered"),
    "residence": ("moved",),
    "population": ("reached_age",),
    "identity_card": ("issued", "expiring", "expired"),
    "driving_licence": ("issued", "expiring", "expired"),
    "health_insurance": ("issued", "expiring", "expired"),
    "passport": ("issued", "expiring", "expired"),
}


def feed_audience(registry: str) -> str:
    return FEED_AUDIENCE_PREFIX + registry


@dataclass(frozen=True)
class FeedRequest:
    agency: str
    registry: str
    legal_basis: str
    purpose: str
    request_id: str
    after: int = 0  # the last seq the consumer has: the answer starts at after + 1
    limit: int = FEED_PAGE
    nonce: str = field(default_factory=new_nonce)
    issued_at: int = field(default_factory=lambda: int(time.time()))

    @property
    def audience(self) -> str:
        return feed_audience(self.registry)

    def claims(self) -> dict[str, Any]:
        return {
            "iss": self.agency,
            "aud": self.audience,
            "iat": self.issued_at,
            "nonce": self.nonce,
            "request_id": self.request_id,
            "legal_basis": self.legal_basis,
            "purpose": self.purpose,
            "after": self.after,
            "limit": self.limit,
        }

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> FeedRequest:
        audience = _text(claims, "aud", max_length=80)
        if not audience.startswith(FEED_AUDIENCE_PREFIX):
            raise ProtocolError(ExchangeErrorCode.WRONG_AUDIENCE, f"Audience {audience!r} is not a feed.")
        after, limit = _time(claims, "after"), _time(claims, "limit")
        if after < 0 or not 0 < limit <= FEED_PAGE:
            raise ProtocolError(
                ExchangeErrorCode.MALFORMED_REQUEST,
                f"'after' must be 0 or more and 'limit' between 1 and {FEED_PAGE}.",
            )
        return cls(
            agency=_text(claims, "iss", max_length=64),
            registry=audience.removeprefix(FEED_AUDIENCE_PREFIX),
            legal_basis=_text(claims, "legal_basis", max_length=64),
            purpose=_text(claims, "purpose", max_length=300),
            request_id=_text(claims, "request_id", max_length=64),
            after=after,
            limit=limit,
            nonce=_text(claims, "nonce", max_length=64),
            issued_at=_time(claims, "iat"),
        )


def change_content(change: Mapping[str, Any]) -> dict[str, Any]:
    """What a change's hash covers: everything but the hash itself."""
    return {
        "registry": change["registry"],
        "seq": change["seq"],
        "kind": change["kind"],
        "subject": change["subject"],
        "occurred_on": change["occurred_on"],
        "recorded_at": change["recorded_at"],
        "data": change["data"],
        "prev_hash": change["prev_hash"],
    }


def change_hash(change: Mapping[str, Any]) -> str:
    canonical = json.dumps(change_content(change), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_chain(changes: Sequence[Mapping[str, Any]], *, registry: str, after: int, last_hash: str) -> None:
    """Refuse (``INVALID_RESPONSE``) a page that does not continue the chain the consumer holds:
    each change of this registry, numbered ``after + 1``, ``after + 2``, ..., linked to the one
    before it (``last_hash`` for the first) and hashed as it says."""
    previous, seq = last_hash, after
    for change in changes:
        seq += 1
        if not isinstance(change, Mapping) or change.get("registry") != registry or change.get("seq") != seq:
            raise ProtocolError(ExchangeErrorCode.INVALID_RESPONSE, f"Change {seq} of {registry} is missing.")
        if change.get("prev_hash") != previous:
            raise ProtocolError(
                ExchangeErrorCode.INVALID_RESPONSE, f"Change {seq} does not follow the change before it."
            )
        if change.get("hash") != change_hash(change):
            raise ProtocolError(ExchangeErrorCode.INVALID_RESPONSE, f"Change {seq} was altered.")
        previous = str(change["hash"])
