"""Workers and web processes recover by themselves after the database drops their connections
(a restart, a failover, ``pg_terminate_backend``), on a real PostgreSQL server with real kills.

Before the fix a worker thread kept its first connection for ever: once the database ended it,
every later task failed on it ("the connection is closed"), no event was delivered again, and the
process stayed up. A web thread answered 500 on its next request.
"""

from __future__ import annotations

import datetime
import os
import socket
from pathlib import Path

import httpx
import pytest
from django.db import OperationalError, connection

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.models import CalendarExceptionKind, Event, EventDelivery
from motcua.core.outbox import handlers_for
from motcua.core.services import set_calendar_exception
from motcua.core.tasks import dispatch_events_task, run_pending_tasks, with_fresh_connections
from motcua.dossiers.events import DossierEvent
from motcua.dossiers.services import submission as submission_services
from motcua.notify.models import Notification
from motcua.ops.models import WorkerHeartbeat
from motcua.ops.tasks import record_worker_heartbeat
from tests.gunicorn import GunicornProcess
from tests.identity.world import applicant_actor, complete_birth_draft, load_small_units, make_applicant
from tests.ops.processes import (
    WorkerProcess,
    database_url,
    platform_env,
    require_postgresql,
    terminate_backends,
    wait_until,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

KILLED = "a connection the server ended (pg_terminate_backend) is what a restart or failover leaves."


def _day_off(day: int) -> Event:
    set_calendar_exception(
        actor=SYSTEM, date=datetime.date(2026, 12, day), kind=CalendarExceptionKind.DAY_OFF, reason="Bão"
    )
    return Event.objects.order_by("-id").first()  # type: ignore[return-value]


def _own_backend() -> int:
    connection.ensure_connection()
    return int(connection.connection.info.backend_pid)


def test_a_task_after_the_server_ended_its_connection_runs_on_a_new_one():
    """The task layer has the thread's connection checked before the task (CONN_HEALTH_CHECKS):
    the first task after the kill already succeeds, on a new connection."""
    require_postgresql(KILLED)
    event = _day_off(1)
    killed = _own_backend()
    assert terminate_backends(pid=killed) == 1

    dispatch_events_task.enqueue()
    run_pending_tasks()  # the commit's and this one, on this thread as a worker thread runs them
    assert _own_backend() != killed
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_without_health_checks_the_task_that_meets_the_dead_connection_fails_and_the_next_recovers():
    """Even with CONN_HEALTH_CHECKS off, closing unusable connections after each task (Django's
    request_finished semantics) bounds the damage to one task instead of every task for ever."""
    require_postgresql(KILLED)
    connection.close()
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        event = _day_off(4)
        killed = _own_backend()
        assert terminate_backends(pid=killed) == 1

        def dispatch() -> int:
            return dispatch_events_task.func()

        with pytest.raises(OperationalError):
            with_fresh_connections(dispatch)()
        assert connection.connection is None  # closed after the failed task, not kept
        assert with_fresh_connections(dispatch)() == 1
        event.refresh_from_db()
        assert event.dispatched_at is not None
        assert _own_backend() != killed
    finally:
        connection.close()
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True


def _submit(person: str, name: str) -> str:
    user = make_applicant(person, name, datetime.date(1990, 1, 2))
    actor = applicant_actor(user)
    return submission_services.submit_draft(
        actor=actor, public_id=str(complete_birth_draft(actor).public_id)
    ).code


@pytest.mark.slow
def test_the_worker_process_delivers_events_after_its_connections_are_killed(tmp_path: Path, settings):
    """A real `motcua run_huey` delivers a dossier's events, the server ends every connection of
    the worker, and the next dossier's events are delivered all the same (notifications made),
    the worker's heartbeat included."""
    require_postgresql(KILLED)
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    first = _submit("001085012345", "Nguyễn Văn An")
    name = "motcua-test-worker"
    env = platform_env(tmp_path / "var", DATABASE_URL=database_url(name))

    def all_delivered() -> bool:
        return not Event.objects.filter(dispatched_at__isnull=True).exists()

    with WorkerProcess(tmp_path / "worker", env=env) as worker:
        wait_until(
            WorkerHeartbeat.objects.exists, what="the worker's first heartbeat: " + worker.output()[-3000:]
        )
        worker.dispatch()
        wait_until(all_delivered, what="the first dossier's events: " + worker.output()[-3000:])
        assert Notification.objects.filter(dossier__code=first).count() == 1
        assert terminate_backends(application_name=name) >= 1

        second = _submit("079190067890", "Trần Thị Bình")
        undelivered = Event.objects.filter(dispatched_at__isnull=True).count()
        assert undelivered > 0
        worker.dispatch()
        wait_until(all_delivered, what="the events after the kill: " + worker.output()[-3000:])
        assert Notification.objects.filter(dossier__code=second).count() == 1
        submitted = Event.objects.get(type=DossierEvent.DOSSIER_SUBMITTED, subject_id=second)
        # every handler of the event ran exactly once, across the kill
        delivered = list(EventDelivery.objects.filter(event=submitted).values_list("handler", flat=True))
        assert "notify.applicants" in delivered
        assert sorted(delivered) == sorted(name for name, _ in handlers_for(DossierEvent.DOSSIER_SUBMITTED))
        assert worker.process is not None
        assert worker.process.poll() is None  # the same process, still up


def test_a_web_request_after_the_server_ended_its_connection_succeeds(tmp_path: Path):
    """One gunicorn thread, its persistent connection ended between two requests: the next
    request is answered from a new connection (CONN_HEALTH_CHECKS), not with a 500."""
    require_postgresql(KILLED)
    sync_catalog(actor=SYSTEM)
    name = "motcua-test-web"
    env = platform_env(tmp_path / "var", DATABASE_URL=database_url(name))
    server = GunicornProcess(
        app="motcua.wsgi:application", log_file=tmp_path / "web.log", ready_path="/readyz", threads=1
    )
    server.start(lambda: env)
    try:
        before = httpx.get(f"{server.base_url}/thu-tuc/", timeout=30)
        assert before.status_code == 200
        assert "Đăng ký khai sinh" in before.text
        assert terminate_backends(application_name=name) == 1
        for _ in range(3):
            after = httpx.get(f"{server.base_url}/thu-tuc/", timeout=30)
            assert after.status_code == 200, (tmp_path / "web.log").read_text()[-3000:]
            assert "Đăng ký khai sinh" in after.text
        assert terminate_backends(application_name=name) == 1  # one connection, a new one
    finally:
        server.stop()


def test_the_heartbeat_task_records_the_worker_process():
    record_worker_heartbeat.enqueue()
    assert run_pending_tasks() == 1
    row = WorkerHeartbeat.objects.get()
    assert row.worker == f"{socket.gethostname()}:{os.getpid()}"
    assert row.started_at <= row.beat_at
