"""Reads of the registries' own tables: agency and consent-issuer keys (cached briefly) and a
subject's access log."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from joserfc.jwk import OKPKey

from motcua.protocol import ACCESS_LOG_PAGE, ProtocolError, key_from_jwk
from motcua.registries import conf
from motcua.registries.models import AgencyKey, ConsentKey, LogEntry, Outcome


@dataclass(frozen=True)
class KnownKey:
    kid: str
    agency_code: str
    agency_type: str
    agency_active: bool
    revoked: bool
    key: OKPKey


_cache: dict[str, tuple[float, KnownKey | None]] = {}
_cache_lock = threading.Lock()


def find_key(kid: str) -> KnownKey | None:
    """The registered key with this kid, as this process saw it at most ``KEY_CACHE_SECONDS`` ago.

    The cache keeps the hot path to one query per request; a revocation therefore takes effect
    within ``KEY_CACHE_SECONDS`` in every process."""
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(kid)
    if cached is not None and now - cached[0] < conf.key_cache_seconds():
        return cached[1]
    row = (
        AgencyKey.objects.filter(kid=kid)
        .values_list(
            "kid", "agency_id", "agency__agency_type", "agency__is_active", "revoked_at", "public_jwk"
        )
        .first()
    )
    known: KnownKey | None = None
    if row is not None:
        try:
            key = key_from_jwk(row[5])
        except ProtocolError:
            key = None
        if key is not None:
            known = KnownKey(
                kid=row[0],
                agency_code=row[1],
                agency_type=row[2],
                agency_active=bool(row[3]),
                revoked=row[4] is not None,
                key=key,
            )
    with _cache_lock:
        if len(_cache) > 50_000:
            _cache.clear()
        _cache[kid] = (now, known)
    return known


@dataclass(frozen=True)
class KnownConsentKey:
    kid: str
    issuer: str
    revoked: bool
    key: OKPKey


_consent_cache: dict[str, tuple[float, KnownConsentKey | None]] = {}


def find_consent_key(kid: str) -> KnownConsentKey | None:
    """The registered consent-issuer key with this kid (cached like agency keys)."""
    now = time.monotonic()
    with _cache_lock:
        cached = _consent_cache.get(kid)
    if cached is not None and now - cached[0] < conf.key_cache_seconds():
        return cached[1]
    row = ConsentKey.objects.filter(kid=kid).values_list("kid", "issuer", "revoked_at", "public_jwk").first()
    known: KnownConsentKey | None = None
    if row is not None:
        try:
            known = KnownConsentKey(
                kid=row[0], issuer=row[1], revoked=row[2] is not None, key=key_from_jwk(row[3])
            )
        except ProtocolError:
            known = None
    with _cache_lock:
        if len(_consent_cache) > 1_000:
            _consent_cache.clear()
        _consent_cache[kid] = (now, known)
    return known


def forget_keys() -> None:
    with _cache_lock:
        _cache.clear()
        _consent_cache.clear()


SHOWN_OUTCOMES = (Outcome.SERVED, Outcome.NOT_FOUND, Outcome.REFUSED, Outcome.WRITTEN)


def accesses_to(subject_id: str, *, before: int = 0, limit: int = ACCESS_LOG_PAGE) -> list[LogEntry]:
    """Verified requests about this subject, newest first (older than entry ``before`` if given):
    what the person may see.

    Unverified refusals (a bad signature, an unknown key) are left out: anyone can send those,
    and they name no agency that really asked."""
    entries = LogEntry.objects.filter(subject_id=subject_id, is_verified=True, outcome__in=SHOWN_OUTCOMES)
    if before:
        entries = entries.filter(id__lt=before)
    return list(entries.exclude(chain="access_log").order_by("-id")[:limit])
