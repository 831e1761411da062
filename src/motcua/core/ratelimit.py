"""Rate limits over the shared cache: sliding windows, per key, with a Retry-After.

A *rate* is written ``"<count>/<window>"`` with the window in seconds or as ``s``, ``m``,
``h``, ``d`` optionally prefixed by a number (``"5/15m"``). Counters live where Django's
``ratelimit`` cache does, which must be shared by every web process so that a limit holds
across workers: Redis at scale, and in the database by default (see docs/configuration.md).
When that cache is the database cache, the counters are kept in their own table
(``core.RateCounter``), one atomic upsert per counted event, rather than in the cache table.

Two uses:

- ``hit(scope, key, rate)`` counts one request and says whether it is over the limit — for
  request-rate limits (API, public lookups, login form posts);
- ``is_blocked`` / ``record_failure`` / ``clear`` count only failures — for brute-force limits
  on login, where a correct password must not be slowed down by a neighbour's typos.

Counting is the usual sliding-window approximation over two fixed windows: the count for the
last ``window`` seconds is the current fixed window's count plus the previous one's, weighted
by the part of the previous window still inside the sliding window (as if its events were
spread evenly), rounded up. Fixed windows alone split a burst that straddles a boundary, so
``limit`` failures a few seconds apart could go unnoticed; with the weighting, a burst counts
in full while it is recent. Two cache keys per key and rate, one increment and one read per
counted event.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
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
    retry_after: int = 0  # seconds until the sliding count falls below the limit, when not allowed


def configured_rate(name: str) -> Rate:
    return Rate.parse(settings.MOTCUA_RATE_LIMITS[name])


@dataclass(frozen=True)
class _Windows:
    """The two fixed windows a sliding count reads at one instant, and where ``now`` falls."""

    current_key: str
    previous_key: str
    elapsed: float  # seconds since the current fixed window began, in [0, window)


def _windows(scope: str, key: str, rate: Rate, now: float) -> _Windows:
    index = int(now // rate.window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no addresses or usernames in cache keys
    prefix = f"rl:{scope}:{rate.window}"
    return _Windows(
        current_key=f"{prefix}:{index}:{digest}",
        previous_key=f"{prefix}:{index - 1}:{digest}",
        elapsed=now - index * rate.window,
    )


def _previous_share(previous: int, rate: Rate, elapsed: float) -> int:
    """The previous window's count weighted by the part of it still inside the sliding window.

    Rounded up (the small tolerance absorbs floating-point noise), so that a burst which
    straddles a boundary counts in full while it is recent: a previous count ``p`` counts whole
    for the first ``window / p`` seconds of the current window.
    """
    return math.ceil(previous * (rate.window - elapsed) / rate.window - 1e-9)


def _retry_after(current: int, previous: int, rate: Rate, elapsed: float) -> int:
    """Seconds, assuming no further events, until the sliding count is below ``rate.limit``.

    Within the current window only the previous window's share can fall; past its end the
    current count becomes the previous one and falls in turn. The approximation can hold a key
    a little past one window after a burst (at most two); the answer is kept within [1, window].
    """
    allowed = rate.limit - 1  # the count that lets the next event through
    window = float(rate.window)
    if current <= allowed:
        # the previous share must drop to allowed - current: previous * (window - elapsed - d) / window
        wait = window - elapsed - (allowed - current) * window / previous if previous else 0.0
    else:
        # after the boundary the current count weighs (window - e) / window, e into the next window
        wait = (window - elapsed) + window * (1 - allowed / current)
    return max(1, min(rate.window, math.ceil(wait)))


def _sliding_count(scope: str, key: str, rate: Rate, now: float, *, increment: bool) -> tuple[int, int]:
    """The sliding count for ``key`` (after counting one more event if ``increment``) and the
    Retry-After that goes with it."""
    cache = caches["ratelimit"]
    windows = _windows(scope, key, rate, now)
    timeout = 2 * rate.window + 1  # a window's count is read until the end of the next one
    if isinstance(cache, DatabaseCache):
        current, previous = _table_counts(windows, int(now) + timeout, increment=increment)
    elif increment:  # atomic increments that keep the key's expiry (Redis, local memory)
        try:
            current = int(cache.incr(windows.current_key))
        except ValueError:  # first event of this window (or the key just expired)
            if cache.add(windows.current_key, 1, timeout=timeout):
                current = 1
            else:  # another process created it in between
                current = int(cache.incr(windows.current_key))
        previous = int(cache.get(windows.previous_key, 0))
    else:
        counts = cache.get_many([windows.current_key, windows.previous_key])
        current = int(counts.get(windows.current_key, 0))
        previous = int(counts.get(windows.previous_key, 0))
    count = current + _previous_share(previous, rate, windows.elapsed)
    return count, _retry_after(current, previous, rate, windows.elapsed)


# the statements on core.RateCounter (its table name is fixed in its Meta)
_INCREMENT = (
    "INSERT INTO core_ratecounter (counter_key, count, expires_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (counter_key) DO UPDATE SET count = core_ratecounter.count + 1 RETURNING count"
)
_READ_ONE = "SELECT count FROM core_ratecounter WHERE counter_key = %s"
_READ_TWO = "SELECT counter_key, count FROM core_ratecounter WHERE counter_key IN (%s, %s)"
_DELETE_EXPIRED = "DELETE FROM core_ratecounter WHERE expires_at < %s"
_DELETE_KEYS = "DELETE FROM core_ratecounter WHERE counter_key IN ({})"


def _table_counts(windows: _Windows, expires_at: int, *, increment: bool) -> tuple[int, int]:
    """The two windows' counts from the ``RateCounter`` table, after an atomic increment of the
    current one if ``increment``: two statements, where the database cache took five (its
    ``incr`` is a read and a write, and each write counts the table for culling)."""
    with connection.cursor() as cursor:
        if increment:
            cursor.execute(_INCREMENT, [windows.current_key, expires_at])
            row = cursor.fetchone()
            current = int(row[0]) if row else 1
            cursor.execute(_READ_ONE, [windows.previous_key])
            found = cursor.fetchone()
            return current, int(found[0]) if found else 0
        cursor.execute(_READ_TWO, [windows.current_key, windows.previous_key])
        counts = dict(cursor.fetchall())
    return int(counts.get(windows.current_key, 0)), int(counts.get(windows.previous_key, 0))


def purge_expired(*, now: float | None = None) -> int:
    """Delete the counters whose windows no sliding count reads any more; returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(_DELETE_EXPIRED, [int(_clock(now))])
        return max(0, int(cursor.rowcount))


def hit(scope: str, key: str, rate: Rate, *, now: float | None = None) -> Verdict:
    """Count one event for ``key``; refuse it when the last ``rate.window`` seconds already
    hold ``rate.limit`` (refused events count too, so hammering keeps the key refused).

    ``now`` (a Unix time) is for tests; it defaults to the clock.
    """
    count, retry_after = _sliding_count(scope, key, rate, _clock(now), increment=True)
    if count > rate.limit:
        return Verdict(allowed=False, retry_after=retry_after)
    return Verdict(allowed=True)


def is_blocked(scope: str, key: str, rates: list[Rate], *, now: float | None = None) -> Verdict:
    """Whether earlier failures for ``key`` already reach any of ``rates`` (longest wait wins)."""
    at = _clock(now)
    waits = []
    for rate in rates:
        count, retry_after = _sliding_count(scope, key, rate, at, increment=False)
        if count >= rate.limit:
            waits.append(retry_after)
    return Verdict(allowed=False, retry_after=max(waits)) if waits else Verdict(allowed=True)


def record_failure(scope: str, key: str, rates: list[Rate], *, now: float | None = None) -> None:
    at = _clock(now)
    for rate in rates:
        _sliding_count(scope, key, rate, at, increment=True)


def clear(scope: str, key: str, rates: list[Rate], *, now: float | None = None) -> None:
    """Forget the failures counted for ``key``: both windows a sliding count reads."""
    at = _clock(now)
    keys = []
    for rate in rates:
        windows = _windows(scope, key, rate, at)
        keys += [windows.current_key, windows.previous_key]
    cache = caches["ratelimit"]
    if isinstance(cache, DatabaseCache):
        with connection.cursor() as cursor:
            cursor.execute(_DELETE_KEYS.format(", ".join(["%s"] * len(keys))), keys)
    else:
        cache.delete_many(keys)


def _clock(now: float | None) -> float:
    return time.time() if now is None else now


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
