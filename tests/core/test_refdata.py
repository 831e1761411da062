"""Reference data kept per process (core.refdata): read once per version, read afresh while a
reload is not committed, and dropped when another process publishes a new version."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.cache import caches

from motcua.core import refdata
from motcua.core.actors import SYSTEM
from motcua.core.calendar import WorkingCalendar
from motcua.core.models import CalendarExceptionKind
from motcua.core.services import set_calendar_exception

pytestmark = pytest.mark.django_db


def _counting() -> tuple[list[int], Callable[[], int]]:
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    return loads, load


def test_a_value_is_read_once_per_version():
    loads, load = _counting()

    assert refdata.cached("test", "key", load) == 1
    assert refdata.cached("test", "key", load) == 1
    assert refdata.cached("test", "other", load) == 2
    assert len(loads) == 2


def test_a_reload_not_committed_yet_is_read_afresh_and_not_kept():
    _loads, load = _counting()
    refdata.cached("test", "key", load)

    refdata.bump()  # inside the test's transaction: not committed

    assert refdata.cached("test", "key", load) == 2
    assert refdata.cached("test", "key", load) == 3


def test_another_processs_reload_is_seen_once_the_version_is_looked_at(settings):
    settings.MOTCUA_REFDATA_CHECK_SECONDS = 0
    _loads, load = _counting()
    refdata.cached("test", "key", load)
    assert refdata.cached("test", "key", load) == 1

    caches["default"].set(refdata.VERSION_KEY, "published-by-another-process", timeout=None)

    assert refdata.cached("test", "key", load) == 2
    assert refdata.version() == "published-by-another-process"


def test_a_calendar_change_reaches_the_kept_calendar_at_once():
    day = datetime.date(2027, 3, 3)  # a Wednesday
    assert WorkingCalendar.current().is_working_day(day)

    set_calendar_exception(actor=SYSTEM, date=day, kind=CalendarExceptionKind.DAY_OFF, reason="Nghỉ bù")

    assert not WorkingCalendar.current().is_working_day(day)
