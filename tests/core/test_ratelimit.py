"""The sliding-window rate limiter, with the clock under the test's control.

Every test runs on each kind of ``ratelimit`` cache: the database cache (the default, rolled
back with each test's transaction), Redis (``motcua.core.cache.RedisCache``, a database of
its own, emptied around each test) and local memory.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from motcua.core import ratelimit
from motcua.core.models import RateCounter
from motcua.core.ratelimit import Rate

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture(autouse=True, params=["db", "redis", "locmem"])
def counter_cache(request: pytest.FixtureRequest, settings) -> Iterator[str]:
    if request.param == "db":
        yield request.param
        return
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.ConnectionError:
            pytest.skip(f"no Redis at {REDIS_URL}")
        backend = {"BACKEND": "motcua.core.cache.RedisCache", "LOCATION": REDIS_URL}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit-test"}
    with override_settings(CACHES={**settings.CACHES, "ratelimit": backend}):
        caches["ratelimit"].clear()
        yield request.param
        caches["ratelimit"].clear()


WINDOW = 300
THREE_PER_WINDOW = Rate(limit=3, window=WINDOW)
BOUNDARY = 5_000_000 * WINDOW  # a Unix time where a fixed window begins


def test_failures_straddling_a_window_boundary_still_block() -> None:
    rates = [THREE_PER_WINDOW]
    for at in (BOUNDARY - 0.5, BOUNDARY - 0.2, BOUNDARY + 0.1):
        assert ratelimit.is_blocked("test", "012345678901", rates, now=at).allowed
        ratelimit.record_failure("test", "012345678901", rates, now=at)

    verdict = ratelimit.is_blocked("test", "012345678901", rates, now=BOUNDARY + 0.2)

    assert not verdict.allowed
    assert 1 <= verdict.retry_after <= WINDOW
    assert ratelimit.is_blocked("test", "another number", rates, now=BOUNDARY + 0.2).allowed


def test_requests_straddling_a_window_boundary_are_refused_past_the_limit() -> None:
    answers = [
        ratelimit.hit("test", "198.51.100.7", THREE_PER_WINDOW, now=at)
        for at in (BOUNDARY - 1.0, BOUNDARY - 0.5, BOUNDARY + 0.5, BOUNDARY + 1.0)
    ]

    assert [answer.allowed for answer in answers] == [True, True, True, False]
    assert 1 <= answers[-1].retry_after <= WINDOW


def test_the_previous_window_weighs_less_as_it_slides_out() -> None:
    rates = [THREE_PER_WINDOW]
    for offset in (1.0, 2.0, 3.0):  # early in the window before BOUNDARY
        ratelimit.record_failure("test", "key", rates, now=BOUNDARY - WINDOW + offset)

    assert not ratelimit.is_blocked("test", "key", rates, now=BOUNDARY + 0.5).allowed
    # halfway through, half of the previous window is still inside: 3 / 2 rounded up is 2
    assert ratelimit.is_blocked("test", "key", rates, now=BOUNDARY + WINDOW / 2).allowed
    assert ratelimit.is_blocked("test", "key", rates, now=BOUNDARY + WINDOW + 1).allowed


def test_retry_after_is_when_the_key_is_let_through_again() -> None:
    rates = [THREE_PER_WINDOW]
    for at in (BOUNDARY - 0.5, BOUNDARY - 0.2, BOUNDARY + 0.1):
        ratelimit.record_failure("test", "key", rates, now=at)
    now = BOUNDARY + 0.2

    wait = ratelimit.is_blocked("test", "key", rates, now=now).retry_after

    # two failures before the boundary weigh 2 * (300 - e) / 300, rounded up: 1 from e = 150
    assert wait == 150
    assert not ratelimit.is_blocked("test", "key", rates, now=now + wait - 1).allowed
    assert ratelimit.is_blocked("test", "key", rates, now=now + wait).allowed


def test_retry_after_stays_within_one_window_after_a_flood() -> None:
    for _ in range(50):
        verdict = ratelimit.hit("test", "203.0.113.1", THREE_PER_WINDOW, now=BOUNDARY + 1.0)

    assert not verdict.allowed
    assert verdict.retry_after == WINDOW


def test_clear_forgets_the_failures_of_both_windows() -> None:
    rates = [THREE_PER_WINDOW]
    for at in (BOUNDARY - 0.5, BOUNDARY - 0.2, BOUNDARY + 0.1):
        ratelimit.record_failure("test", "key", rates, now=at)
    assert not ratelimit.is_blocked("test", "key", rates, now=BOUNDARY + 0.2).allowed

    ratelimit.clear("test", "key", rates, now=BOUNDARY + 0.2)

    assert ratelimit.is_blocked("test", "key", rates, now=BOUNDARY + 0.3).allowed


def test_without_a_clock_the_limiter_counts_now() -> None:
    rates = [Rate(limit=2, window=3600)]
    ratelimit.record_failure("test", "key", rates)
    ratelimit.record_failure("test", "key", rates)

    verdict = ratelimit.is_blocked("test", "key", rates)

    assert not verdict.allowed
    assert 1 <= verdict.retry_after <= 3600


@pytest.mark.parametrize("counter_cache", ["db"], indirect=True)
def test_in_the_database_each_window_is_one_row_of_the_counter_table_until_purged(counter_cache) -> None:
    day = Rate(limit=3, window=86_400)
    at = 1_800_000_000.5
    for _ in range(4):
        ratelimit.hit("test", "203.0.113.7", day, now=at)
    [row] = RateCounter.objects.all()
    assert row.count == 4  # one atomic increment per event, refused ones included
    assert row.expires_at == int(at) + 2 * 86_400 + 1  # the window's own length, not a cache default
    assert "203.0.113.7" not in row.counter_key
    with connection.cursor() as cursor:  # nothing in the cache table
        cursor.execute("SELECT COUNT(*) FROM motcua_cache")
        assert cursor.fetchone()[0] == 0
    assert not ratelimit.hit("test", "203.0.113.7", day, now=at + 86_400).allowed  # read a day later
    assert ratelimit.purge_expired(now=at + 2 * 86_400) == 0
    assert ratelimit.purge_expired(now=at + 3 * 86_400 + 2) == 2
    assert ratelimit.hit("test", "203.0.113.7", day, now=at + 3 * 86_400 + 2).allowed


def test_a_request_counts_all_its_limits_at_once_with_the_previous_windows() -> None:
    per_address, per_user = Rate(limit=3, window=WINDOW), Rate(limit=4, window=WINDOW)
    limits = [("api_address", "198.51.100.9", per_address), ("api_user", "42", per_user)]
    for at in (BOUNDARY - 2.0, BOUNDARY - 1.0):  # the previous window
        assert [v.allowed for v in ratelimit.hit_many(limits, now=at)] == [True, True]

    answers = [ratelimit.hit_many(limits, now=BOUNDARY + offset) for offset in (0.5, 1.0, 1.5)]

    assert [[v.allowed for v in answer] for answer in answers] == [
        [True, True],
        [False, True],
        [False, False],
    ]
    assert 1 <= answers[-1][0].retry_after <= WINDOW
    # another key is counted on its own
    assert ratelimit.hit_many([("api_user", "43", per_user)], now=BOUNDARY + 2.0)[0].allowed


@pytest.mark.parametrize("counter_cache", ["db"], indirect=True)
def test_in_the_database_a_request_s_limits_are_one_statement(counter_cache) -> None:
    from django.test.utils import CaptureQueriesContext

    limits = [("api_address", "198.51.100.9", THREE_PER_WINDOW), ("api_user", "42", THREE_PER_WINDOW)]
    ratelimit.hit_many(limits, now=BOUNDARY - 1.0)
    with CaptureQueriesContext(connection) as queries:
        verdicts = ratelimit.hit_many(limits, now=BOUNDARY + 1.0)

    assert len(queries) == 1
    assert [v.allowed for v in verdicts] == [True, True]
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 1, 1, 1]
