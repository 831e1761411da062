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
counted event; the counts of one event under several limits (an API request's per-address and
per-user limits, a login failure's per-account windows) are taken in one round trip
(``hit_many``): one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement on the database, one
pipeline on Redis (ADR 0033).
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.http import HttpRequest

from motcua.core.cache import RedisCache

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
    return _parsed(settings.MOTCUA_RATE_LIMITS[name])


@functools.lru_cache(maxsize=256)
def _parsed(text: str) -> Rate:
    return Rate.parse(text)


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
    if increment and isinstance(cache, DatabaseCache | RedisCache):
        [counted] = _hit_counts([(scope, key, rate)], now)
        return counted
    if isinstance(cache, DatabaseCache):
        current, previous = _table_counts(windows)
    elif increment:  # atomic increments that keep the key's expiry (local memory)
        try:
            current = int(cache.incr(windows.current_key))
        except ValueError:  # first event of this window (or the key just expired)
            if cache.add(windows.current_key, 1, timeout=timeout):
                current = 1
            else:  # another thread created it in between
                current = int(cache.incr(windows.current_key))
        previous = int(cache.get(windows.previous_key, 0))
    else:
        counts = cache.get_many([windows.current_key, windows.previous_key])
        current = int(counts.get(windows.current_key, 0))
        previous = int(counts.get(windows.previous_key, 0))
    count = current + _previous_share(previous, rate, windows.elapsed)
    return count, _retry_after(current, previous, rate, windows.elapsed)


# the statements on core.RateCounter (its table name is fixed in its Meta)
_READ_TWO = "SELECT counter_key, count FROM core_ratecounter WHERE counter_key IN (%s, %s)"
_DELETE_EXPIRED = "DELETE FROM core_ratecounter WHERE expires_at < %s"
_DELETE_KEYS = "DELETE FROM core_ratecounter WHERE counter_key IN ({})"


def _table_counts(windows: _Windows) -> tuple[int, int]:
    """The two windows' counts from the ``RateCounter`` table."""
    with connection.cursor() as cursor:
        cursor.execute(_READ_TWO, [windows.current_key, windows.previous_key])
        counts = dict(cursor.fetchall())
    return int(counts.get(windows.current_key, 0)), int(counts.get(windows.previous_key, 0))


def _table_increments(windows: Sequence[_Windows], expires_at: Sequence[int]) -> list[tuple[int, int]]:
    """Increment each current window's row and read the previous window's count with it, in one
    statement for all the limits (SQLite and PostgreSQL both run an upsert with ``RETURNING``,
    and a subquery there reads the previous window's row, which the statement does not touch).
    Returns ``(current, previous)`` per window, in order."""
    values = ", ".join(["(%s, 1, %s)"] * len(windows))
    cases = " ".join(["WHEN %s THEN %s"] * len(windows))
    sql = (
        f"INSERT INTO core_ratecounter (counter_key, count, expires_at) VALUES {values} "  # noqa: S608 (placeholders only)
        "ON CONFLICT (counter_key) DO UPDATE SET count = core_ratecounter.count + 1 "
        "RETURNING counter_key, count, (SELECT previous.count FROM core_ratecounter AS previous "
        f"WHERE previous.counter_key = CASE core_ratecounter.counter_key {cases} END)"
    )
    params: list[Any] = []
    for window, expiry in zip(windows, expires_at, strict=True):
        params += [window.current_key, expiry]
    for window in windows:
        params += [window.current_key, window.previous_key]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {key: (int(count), int(previous or 0)) for key, count, previous in cursor.fetchall()}
    return [rows.get(window.current_key, (1, 0)) for window in windows]


def _redis_increments(
    cache: RedisCache, windows: Sequence[_Windows], timeouts: Sequence[int]
) -> list[tuple[int, int]]:
    """Increment each current window's key (and set its expiry) and read the previous window's,
    in one pipeline: one round trip to Redis for all the limits."""
    client = cache._cache.get_client(write=True)
    pipeline = client.pipeline(transaction=False)
    for window, timeout in zip(windows, timeouts, strict=True):
        current = cache.make_and_validate_key(window.current_key)
        pipeline.incr(current)
        pipeline.expire(current, timeout)
        pipeline.get(cache.make_and_validate_key(window.previous_key))
    answers = pipeline.execute()
    return [(int(answers[3 * i]), int(answers[3 * i + 2] or 0)) for i in range(len(windows))]


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
    [verdict] = hit_many([(scope, key, rate)], now=now)
    return verdict


def hit_many(limits: Sequence[tuple[str, str, Rate]], *, now: float | None = None) -> list[Verdict]:
    """``hit`` for several limits at once (a request's per-address and per-user limits), in one
    round trip to where the counters live: one statement on the database, one pipeline on
    Redis. The verdicts are in the order of ``limits``."""
    at = _clock(now)
    counts = _hit_counts([(scope, key, rate) for scope, key, rate in limits], at)
    verdicts = []
    for (_scope, _key, rate), (count, retry_after) in zip(limits, counts, strict=True):
        allowed = count <= rate.limit
        verdicts.append(Verdict(allowed=True) if allowed else Verdict(allowed=False, retry_after=retry_after))
    return verdicts


def _hit_counts(limits: Sequence[tuple[str, str, Rate]], now: float) -> list[tuple[int, int]]:
    """Count one event for each limit: the sliding count after it, and the Retry-After."""
    cache = caches["ratelimit"]
    windows = [_windows(scope, key, rate, now) for scope, key, rate in limits]
    if len({window.current_key for window in windows}) < len(windows):  # the same counter twice
        return [_hit_counts([limit], now)[0] for limit in limits]
    if isinstance(cache, DatabaseCache):
        pairs = _table_increments(windows, [int(now) + 2 * rate.window + 1 for _s, _k, rate in limits])
    elif isinstance(cache, RedisCache):
        pairs = _redis_increments(cache, windows, [2 * rate.window + 1 for _s, _k, rate in limits])
    else:  # local memory (tests, one process)
        return [_sliding_count(scope, key, rate, now, increment=True) for scope, key, rate in limits]
    results = []
    for (_scope, _key, rate), window, (current, previous) in zip(limits, windows, pairs, strict=True):
        count = current + _previous_share(previous, rate, window.elapsed)
        results.append((count, _retry_after(current, previous, rate, window.elapsed)))
    return results


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
    hit_many([(scope, key, rate) for rate in rates], now=now)


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
