"""Model-free pieces of the hash chains that make logs tamper-evident.

Both the platform's audit log (``core.audit``) and the registries' access log
(``registries.log``) link entries by SHA-256 over a canonical JSON of their content; the
registries are a separate Django project without ``core``'s models, so what they share lives
here.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64


def canonical_time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_digest(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of a canonical JSON: sorted keys, no whitespace, UTF-8."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry #{self.entry_id}" if self.entry_id is not None else "chain head"
        return f"chain {self.chain}: {where}: {self.reason}"


@dataclass
class VerifyReport:
    chains: int = 0
    entries: int = 0
    broken: list[BrokenLink] = field(default_factory=list)
    unsealed: int = 0  # entries still waiting for the sealer (counted in ``entries``)
    oldest_unsealed: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.broken
