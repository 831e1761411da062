"""Health: the load balancer's two probes say only ok/unavailable; the operator's report (the
`motcua health` command and the platform administrator's API) names each component with its
figures, and the command exits non-zero when one of them is unhealthy."""

from __future__ import annotations

import datetime
import json
import logging

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from motcua.core.actors import SYSTEM
from motcua.core.audit import seal_pending
from motcua.core.models import AuditEntry, CalendarExceptionKind, Event
from motcua.core.outbox import dispatch_pending_events
from motcua.core.services import set_calendar_exception
from motcua.ops import health
from motcua.ops.heartbeat import beat
from tests.gunicorn import free_port

pytestmark = pytest.mark.django_db


def _day_off(day: int) -> Event:
    set_calendar_exception(
        actor=SYSTEM, date=datetime.date(2026, 11, day), kind=CalendarExceptionKind.DAY_OFF, reason="Bão"
    )
    event = Event.objects.order_by("-id").first()
    assert event is not None
    return event


def _age(event: Event, seconds: int) -> None:
    Event.objects.filter(pk=event.pk).update(occurred_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_liveness_answers_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readiness_says_ok_and_nothing_more():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_is_unavailable_without_a_cache_and_names_nothing(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "motcua.core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}  # no component, no address, no error text
    report = health.readiness()
    assert report.failing == ["cache"]
    assert report.check("database").ok


def test_the_outbox_is_unhealthy_once_its_oldest_undelivered_event_is_older_than_the_threshold():
    beat()
    event = _day_off(2)
    _age(event, 600)
    report = health.health_report(max_backlog_seconds=300, include_registries=False)
    outbox = report.check("outbox")
    assert not outbox.ok
    assert outbox.details["pending"] == 1
    assert outbox.details["oldest_age_seconds"] >= 600
    assert report.failing == ["outbox"]
    assert health.health_report(max_backlog_seconds=3600, include_registries=False).healthy

    dispatch_pending_events()
    outbox = health.health_report(max_backlog_seconds=0, include_registries=False).check("outbox")
    assert outbox.ok
    assert outbox.summary == "no undelivered events"


def test_audit_entries_waiting_for_the_sealer_are_reported_beside_the_outbox():
    _day_off(5)
    entry = AuditEntry.objects.get()
    outbox = health.check_outbox(
        max_backlog_seconds=3600, now=entry.occurred_at + datetime.timedelta(seconds=90)
    )
    assert outbox.details["audit_unsealed"] == 1
    assert outbox.details["audit_oldest_unsealed_age_seconds"] == 90
    assert seal_pending() == 1
    outbox = health.check_outbox(max_backlog_seconds=3600)
    assert (outbox.details["audit_unsealed"], outbox.details["audit_oldest_unsealed_age_seconds"]) == (0, 0)


def test_events_the_dispatcher_gave_up_on_are_counted(settings):
    beat()
    event = _day_off(3)
    Event.objects.filter(pk=event.pk).update(attempts=settings.MOTCUA_OUTBOX_MAX_ATTEMPTS, last_error="x")
    outbox = health.check_outbox(max_backlog_seconds=3600)
    assert outbox.details["given_up"] == 1
    assert "1 given up after 10 attempts" in outbox.summary


def test_the_worker_is_unhealthy_without_a_recent_heartbeat():
    report = health.health_report(include_registries=False)
    assert report.failing == ["worker"]
    assert "no task worker has ever reported" in report.check("worker").summary

    beat(now=timezone.now() - datetime.timedelta(minutes=10))
    worker = health.check_worker(max_age_seconds=180)
    assert not worker.ok
    assert worker.details["age_seconds"] >= 600

    beat()
    assert health.check_worker(max_age_seconds=180).ok


def test_the_registries_check_probes_their_published_keys(exchange, settings):
    assert health.check_registries().ok
    assert health.check_registries().details == {"registries": 200}
    settings.MOTCUA_REGISTRIES_URL = f"http://127.0.0.1:{free_port()}"
    down = health.check_registries()
    assert not down.ok
    assert down.summary == "unreachable: registries"
    assert down.details == {"registries": "ConnectError"}


def test_the_command_prints_every_check_and_exits_non_zero_when_unhealthy(capsys):
    beat()
    call_command("health", "--no-registries")
    out = capsys.readouterr().out
    assert [line.split()[:2] for line in out.splitlines()] == [
        ["database", "ok"],
        ["cache", "ok"],
        ["worker", "ok"],
        ["outbox", "ok"],
    ]
    _age(_day_off(4), 200)
    with pytest.raises(CommandError, match="unhealthy: outbox"):
        call_command("health", "--no-registries", "--max-backlog-seconds", "120")
    assert "outbox      FAILING  1 undelivered, the oldest 2" in capsys.readouterr().out


def test_the_command_reports_json_for_a_monitoring_agent(capsys):
    beat()
    call_command("health", "--no-registries", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["healthy"] is True
    assert [check["name"] for check in report["checks"]] == ["database", "cache", "worker", "outbox"]
    assert report["checks"][3]["details"]["pending"] == 0


def test_probes_are_not_redirected_to_https(settings):
    """A load balancer probes over plain HTTP behind the TLS it terminates."""
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/readyz").status_code == 200
    assert Client().get("/thu-tuc/").status_code == 301


def test_probes_are_logged_only_when_they_fail(caplog, settings):
    with caplog.at_level(logging.INFO, logger="motcua.request"):
        Client().get("/healthz")
        Client().get("/readyz")
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "motcua.core.cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            },
        }
        Client().get("/readyz")
    lines = [r.msg for r in caplog.records if r.name == "motcua.request"]
    assert len(lines) == 1
    assert isinstance(lines[0], dict)
    assert (lines[0]["route"], lines[0]["status"]) == ("readyz", 503)
