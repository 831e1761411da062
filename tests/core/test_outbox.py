"""The event log as transactional outbox: committed events are delivered at least once,
each handler once per event; rolled-back changes deliver nothing."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from motcua.core.actors import SYSTEM
from motcua.core.errors import MotcuaError
from motcua.core.models import AppendOnlyError, AuditEntry, CalendarExceptionKind, Event, EventDelivery
from motcua.core.outbox import OUTBOX_CHANNEL, dispatch_pending_events, event_handler, unregister_handler
from motcua.core.outbox_worker import Listener, OutboxLoop
from motcua.core.services import record_change, set_calendar_exception
from motcua.core.tasks import dispatch_events_task, pending_task_count, run_pending_tasks
from motcua.core.types import EventType

pytestmark = pytest.mark.django_db(transaction=True)

HANDLER = "tests.recording_handler"


class Recorder:
    def __init__(self) -> None:
        self.seen: list[int] = []
        self.fail_next = 0

    def __call__(self, event: Event) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("mail server down")
        self.seen.append(event.pk)


@pytest.fixture
def recorder():
    rec = Recorder()
    event_handler(EventType.CALENDAR_EXCEPTION_SET, name=HANDLER)(rec)
    yield rec
    unregister_handler(HANDLER)


def _set_day_off(day: int = 23) -> None:
    set_calendar_exception(
        actor=SYSTEM, date=dt.date(2026, 11, day), kind=CalendarExceptionKind.DAY_OFF, reason="Storm closure"
    )


def test_committed_event_survives_a_crash_before_dispatch(recorder):
    # The service commits; the worker "crashes" before dispatching (we simply never dispatch).
    _set_day_off()
    event = Event.objects.get()
    assert event.dispatched_at is None
    assert recorder.seen == []
    # A later dispatcher run (after restart) delivers it.
    report = dispatch_pending_events()
    assert report.dispatched == [event.pk]
    assert recorder.seen == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert EventDelivery.objects.filter(event=event, handler=HANDLER).count() == 1


def test_redelivery_does_not_run_a_handler_twice(recorder):
    _set_day_off()
    dispatch_pending_events()
    Event.objects.update(dispatched_at=None)  # as if the dispatcher crashed after the handler committed
    dispatch_pending_events()
    assert len(recorder.seen) == 1


def _set_day_off_then_fail() -> None:
    with transaction.atomic():
        _set_day_off()
        raise RuntimeError("something later in the same transaction failed")


def test_rolled_back_change_triggers_nothing(recorder):
    with pytest.raises(RuntimeError, match="later"):
        _set_day_off_then_fail()
    assert not Event.objects.exists()
    assert not AuditEntry.objects.exists()
    assert dispatch_pending_events().dispatched == []
    assert recorder.seen == []


def test_failed_handler_is_retried_later_with_backoff(recorder):
    recorder.fail_next = 1
    _set_day_off()
    first = dispatch_pending_events()
    event = Event.objects.get()
    assert first.failed == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert event.attempts == 1
    assert "mail server down" in event.last_error
    assert event.next_attempt_at is not None
    # Not due yet: the back-off keeps it out of the next run.
    assert dispatch_pending_events().dispatched == []
    Event.objects.update(next_attempt_at=None)
    assert dispatch_pending_events().dispatched == [event.pk]
    assert recorder.seen == [event.pk]


def test_commit_queues_no_task_and_wakes_the_outbox_loop_which_delivers(recorder):
    """No task per commit (ADR 0031): the worker's outbox loop delivers. On PostgreSQL it sleeps
    far longer than the test waits and is woken by the commit's NOTIFY; on SQLite it polls."""
    postgresql = connection.vendor == "postgresql"
    loop = OutboxLoop(poll_seconds=60 if postgresql else 0.05, seal_seconds=0)
    thread = threading.Thread(target=loop.run)
    thread.start()
    try:
        _wait_for(lambda: loop.passes >= 1)  # listening, and the empty outbox seen once
        _set_day_off()
        assert pending_task_count() == 0  # nothing queued on commit
        _wait_for(lambda: bool(recorder.seen))
        assert recorder.seen == [Event.objects.get().pk]
        if postgresql:
            assert loop.wake_ups >= 1
    finally:
        loop.stop()
        if postgresql:
            _notify_now()  # end its wait
        thread.join(30)
    assert not thread.is_alive()
    # the on-demand task still delivers whatever is pending
    _set_day_off(24)
    dispatch_events_task.enqueue()
    assert run_pending_tasks() == 1
    assert len(recorder.seen) == 2


def test_one_notification_per_committed_transaction_and_none_on_rollback(recorder):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no notifications: the outbox loop polls")
    listener = Listener()
    assert listener.open()
    try:
        with pytest.raises(RuntimeError, match="later"):
            _set_day_off_then_fail()
        assert listener.wait(0.5) == 0
        with transaction.atomic():  # two events, one transaction: one wake-up
            _set_day_off(23)
            _set_day_off(24)
        assert listener.wait(10) == 1
        assert listener.wait(0.3) == 0
    finally:
        listener.close()
    assert pending_task_count() == 0


def test_rollback_schedules_no_dispatch_task(recorder):
    with pytest.raises(RuntimeError, match="later"):
        _set_day_off_then_fail()
    assert pending_task_count() == 0


def _wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def _notify_now() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"NOTIFY {OUTBOX_CHANNEL}")


def test_record_change_refuses_to_run_outside_a_transaction():
    with pytest.raises(MotcuaError, match="transaction"):
        record_change(actor=SYSTEM, type=EventType.CALENDAR_EXCEPTION_SET, subject_type="x", subject_id=1)
    assert not AuditEntry.objects.exists()


def test_audit_log_is_append_only():
    _set_day_off()
    entry = AuditEntry.objects.get()
    entry.actor_id = "someone-else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(actor_id="someone-else")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().actor_id == SYSTEM.id
