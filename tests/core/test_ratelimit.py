"""The sliding-window rate limiter, with the clock under the test's control.

Counters live in the configured ``ratelimit`` cache (the database cache in the tests, rolled
back with each test's transaction).
"""

from __future__ import annotations

import pytest

from motcua.core import ratelimit
from motcua.core.ratelimit import Rate

pytestmark = pytest.mark.django_db

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
