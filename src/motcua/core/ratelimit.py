"""Rate limits over the shared cache: fixed windows, per key, with a Retry-After.

A *rate* is written ``"<count>/<window>"`` with the window in seconds or as ``s``, ``m``,
``h``, ``d`` optionally prefixed by a number (``"5/15m"``). Counters live in Django's
``ratelimit`` cache, which must be shared by every web process (the database cache table in
development, Redis at scale; see docs/configuration.md) so that a limit holds across workers.

Two uses:

- ``hit(scope, key, rate)`` counts one request and says whether it is over the limit — for
  request-rate limits (API, public lookups, login form posts);
- ``is_blocked`` / ``record_failure`` / ``clear`` count only failures — for brute-force limits
  on login, where a correct password must not be slowed down by a neighbour's typos.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 1}


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.match(text)
        if not match or (not match.group(2) and not match.group(3)):
            raise ValueError(f"A rate looks like '5/m' or '100/15m', not {text!r}.")
        count, number, unit = match.groups()
        window = int(number or 1) * _UNIT_SECONDS[unit]
        if int(count) < 1 or window < 1:
            raise ValueError(f"A rate needs a positive count and window, not {text!r}.")
        return cls(limit=int(count), window=window)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the current window ends, when not allowed


def configured_rate(name: str) -> Rate:
    return Rate.parse(settings.MOTCUA_RATE_LIMITS[name])


def _cache_key(scope: str, key: str, rate: Rate, now: float) -> tuple[str, int]:
    window_index = int(now // rate.window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no addresses or usernames in cache keys
    return f"rl:{scope}:{rate.window}:{window_index}:{digest}", rate.window - int(now % rate.window)


def _count(scope: str, key: str, rate: Rate, *, increment: bool) -> tuple[int, int]:
    cache = caches["ratelimit"]
    now = time.time()
    cache_key, remaining = _cache_key(scope, key, rate, now)
    if not increment:
        return int(cache.get(cache_key, 0)), remaining
    cache.add(cache_key, 0, timeout=rate.window + 1)
    try:
        return int(cache.incr(cache_key)), remaining
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.window + 1)
        return 1, remaining


def hit(scope: str, key: str, rate: Rate) -> Verdict:
    """Count one event for ``key``; refuse it when the window already holds ``rate.limit``."""
    count, remaining = _count(scope, key, rate, increment=True)
    if count > rate.limit:
        return Verdict(allowed=False, retry_after=max(1, math.ceil(remaining)))
    return Verdict(allowed=True)


def is_blocked(scope: str, key: str, rates: list[Rate]) -> Verdict:
    """Whether earlier failures for ``key`` already reach any of ``rates`` (longest wait wins)."""
    waits = []
    for rate in rates:
        count, remaining = _count(scope, key, rate, increment=False)
        if count >= rate.limit:
            waits.append(remaining)
    return Verdict(allowed=False, retry_after=max(1, max(waits))) if waits else Verdict(allowed=True)


def record_failure(scope: str, key: str, rates: list[Rate]) -> None:
    for rate in rates:
        _count(scope, key, rate, increment=True)


def clear(scope: str, key: str, rates: list[Rate]) -> None:
    cache = caches["ratelimit"]
    now = time.time()
    for rate in rates:
        cache.delete(_cache_key(scope, key, rate, now)[0])


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address a trusted proxy put in X-Forwarded-For.

    ``MOTCUA_TRUSTED_PROXIES`` counts the proxies in front of the platform; with 0 (the
    default) the header is ignored, since a client could otherwise pick its own address.
    """
    proxies: int = settings.MOTCUA_TRUSTED_PROXIES
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return str(request.META.get("REMOTE_ADDR") or "")
