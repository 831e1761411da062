"""A circuit breaker per registry, so a registry that is down costs nothing after a few failures.

Closed: calls go through; ``failure_threshold`` consecutive failures open it. Open: calls are
refused at once (``circuit_open``) for ``reset_seconds``. Half-open: after that, one trial call
goes through; its success closes the breaker, its failure opens it again.

State is per process and in memory on purpose: it is a latency optimisation, not data. Each web
process learns on its own that a registry is down (at the price of a few timeouts), and a lost
state costs only that; sharing it through the cache would add a round trip to every call
(ADR 0009).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    failure_threshold: int = 5
    reset_seconds: float = 30.0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state(time.monotonic())

    def _state(self, now: float) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if now - self._opened_at >= self.reset_seconds:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """May a call go through now? In half-open state only one trial at a time."""
        with self._lock:
            state = self._state(time.monotonic())
            if state == BreakerState.CLOSED:
                return True
            if state == BreakerState.HALF_OPEN and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            now = time.monotonic()
            self._failures += 1
            if self._trial_running or self._failures >= self.failure_threshold:
                self._opened_at = now
            self._trial_running = False


class BreakerBoard:
    """One breaker per registry, created on first use."""

    def __init__(self, *, failure_threshold: int, reset_seconds: float) -> None:
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def for_registry(self, registry: str) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(registry)
            if breaker is None:
                breaker = CircuitBreaker(self.failure_threshold, self.reset_seconds)
                self._breakers[registry] = breaker
            return breaker
