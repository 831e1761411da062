"""Health of a running platform: what a load balancer needs, and what an operator needs.

Two audiences, two answers (ADR 0025, docs/operations.md):

- ``readiness()`` is for a load balancer deciding whether to send this web process requests: can
  it reach its database and its cache. It says nothing about the worker or the registries: a
  stalled worker must not take every web process out of rotation.
- ``health_report()`` is for an operator (``motcua health``, ``GET /api/v1/health`` for the
  platform administrator): the database, the cache, the registries, the task worker's last
  heartbeat and the outbox backlog (the oldest undelivered event's age), each with its figures.

No check raises: a failing component is a failing ``Check`` whose summary names the kind of
error, never a connection string or a secret.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.utils import timezone

from motcua.core.models import AuditEntry, Event
from motcua.ops import heartbeat

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str  # database | cache | registries | worker | outbox
    ok: bool
    summary: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "summary": self.summary, "details": self.details}


@dataclass(frozen=True)
class HealthReport:
    checked_at: datetime.datetime
    checks: tuple[Check, ...]

    @property
    def healthy(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failing(self) -> list[str]:
        return [check.name for check in self.checks if not check.ok]

    def check(self, name: str) -> Check:
        return next(check for check in self.checks if check.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "checked_at": self.checked_at.isoformat(),
            "checks": [check.as_dict() for check in self.checks],
        }


def _guarded(name: str, run: Callable[[], Check]) -> Check:
    try:
        return run()
    except Exception as exc:  # a health check reports, it never fails the caller
        logger.warning("health check %s failed: %s", name, type(exc).__name__)
        return Check(name, False, f"{type(exc).__name__}")


# --- the components -----------------------------------------------------------------------------


def check_database() -> Check:
    def run() -> Check:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as exc:
            return Check("database", False, f"unreachable ({type(exc).__name__})")
        return Check("database", True, f"reachable ({connection.vendor})", {"engine": connection.vendor})

    return _guarded("database", run)


def check_cache() -> Check:
    def run() -> Check:
        cache = caches["default"]
        key = f"motcua:health:{secrets.token_hex(8)}"
        value = secrets.token_hex(8)
        cache.set(key, value, timeout=30)
        read = cache.get(key)
        cache.delete(key)
        if read != value:
            return Check("cache", False, "a value written could not be read back")
        return Check("cache", True, "read and write work", {"backend": type(cache).__name__})

    return _guarded("cache", run)


def _registry_targets() -> list[tuple[str, str, bool]]:
    """(name, URL, must answer 200) for the registries' key set and each per-registry override."""
    base = settings.MOTCUA_REGISTRIES_URL
    targets = [("registries", f"{base}/.well-known/jwks.json", True)]
    targets += [(name, url, False) for name, url in sorted(settings.MOTCUA_REGISTRY_URLS.items())]
    return targets


def check_registries() -> Check:
    """Can the registries be reached: their published key set (which every registries service
    that signs answers publishes) answers 200, and each per-registry URL answers at all (a query
    URL answers a GET with 405: that is reachable). Unsigned on purpose: a signed ping is written
    to the registries' access log, and monitoring every minute must not fill it."""

    def run() -> Check:
        timeout: float = settings.MOTCUA_HEALTH_TIMEOUT_SECONDS
        unreachable: list[str] = []
        answered: dict[str, Any] = {}
        with httpx.Client(timeout=timeout) as client:
            for name, url, needs_ok in _registry_targets():
                try:
                    status = client.get(url).status_code
                except httpx.HTTPError as exc:
                    unreachable.append(name)
                    answered[name] = type(exc).__name__
                    continue
                answered[name] = status
                if status >= 500 or (needs_ok and status != 200):
                    unreachable.append(name)
        if unreachable:
            return Check("registries", False, "unreachable: " + ", ".join(unreachable), answered)
        return Check("registries", True, "reachable", answered)

    return _guarded("registries", run)


def check_worker(*, max_age_seconds: int, now: datetime.datetime | None = None) -> Check:
    def run() -> Check:
        moment = now or timezone.now()
        last = heartbeat.latest()
        if last is None:
            return Check("worker", False, "no task worker has ever reported (is `motcua run_huey` running?)")
        age = int((moment - last.beat_at).total_seconds())
        details = {
            "worker": last.worker,
            "last_heartbeat_at": last.beat_at.isoformat(),
            "age_seconds": age,
            "max_age_seconds": max_age_seconds,
        }
        if age > max_age_seconds:
            summary = f"last heartbeat {age} s ago (more than {max_age_seconds} s)"
            return Check("worker", False, summary, details)
        return Check("worker", True, f"last heartbeat {age} s ago", details)

    return _guarded("worker", run)


def check_outbox(*, max_backlog_seconds: int, now: datetime.datetime | None = None) -> Check:
    """The outbox backlog: how many committed events are not yet delivered, the oldest one's age,
    and how many the dispatcher gave up on (they stay pending with their last error); beside them,
    how many audit entries wait for the sealer and the oldest one's age."""

    def run() -> Check:
        moment = now or timezone.now()
        pending = Event.objects.filter(dispatched_at__isnull=True)
        oldest = pending.order_by("id").values_list("occurred_at", flat=True).first()
        count = pending.count()
        given_up = pending.filter(attempts__gte=settings.MOTCUA_OUTBOX_MAX_ATTEMPTS).count()
        age = max(0, int((moment - oldest).total_seconds())) if oldest is not None else 0
        # the audit entries the outbox loop has not sealed yet (ADR 0030): figures, not a failure
        unsealed = AuditEntry.objects.filter(position__isnull=True)
        oldest_unsealed = unsealed.order_by("id").values_list("occurred_at", flat=True).first()
        details = {
            "pending": count,
            "given_up": given_up,
            "oldest_age_seconds": age,
            "max_backlog_seconds": max_backlog_seconds,
            "audit_unsealed": unsealed.count(),
            "audit_oldest_unsealed_age_seconds": (
                max(0, int((moment - oldest_unsealed).total_seconds())) if oldest_unsealed is not None else 0
            ),
        }
        if oldest is None:
            return Check("outbox", True, "no undelivered events", details)
        summary = f"{count} undelivered, the oldest {age} s old"
        if given_up:
            summary += f", {given_up} given up after {settings.MOTCUA_OUTBOX_MAX_ATTEMPTS} attempts"
        if age > max_backlog_seconds:
            return Check("outbox", False, f"{summary} (more than {max_backlog_seconds} s)", details)
        return Check("outbox", True, summary, details)

    return _guarded("outbox", run)


# --- the two answers ----------------------------------------------------------------------------


def readiness() -> HealthReport:
    """What a load balancer needs: this process reaches its database and its cache."""
    return HealthReport(timezone.now(), (check_database(), check_cache()))


def health_report(
    *,
    max_backlog_seconds: int | None = None,
    max_worker_age_seconds: int | None = None,
    include_registries: bool = True,
) -> HealthReport:
    """Everything an operator watches, against the configured (or given) thresholds."""
    backlog = (
        settings.MOTCUA_HEALTH_MAX_BACKLOG_SECONDS if max_backlog_seconds is None else max_backlog_seconds
    )
    worker_age = (
        settings.MOTCUA_HEALTH_WORKER_MAX_AGE_SECONDS
        if max_worker_age_seconds is None
        else max_worker_age_seconds
    )
    now = timezone.now()
    database = check_database()
    checks = [database, check_cache()]
    if include_registries:
        checks.append(check_registries())
    if database.ok:
        checks.append(check_worker(max_age_seconds=worker_age, now=now))
        checks.append(check_outbox(max_backlog_seconds=backlog, now=now))
    else:
        checks.append(Check("worker", False, "not checked: the database is unreachable"))
        checks.append(Check("outbox", False, "not checked: the database is unreachable"))
    return HealthReport(now, tuple(checks))
