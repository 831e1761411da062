from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.actors import SYSTEM
from motcua.core.calendar import WorkingCalendar, add_working_days, working_days_between
from motcua.core.models import AuditEntry, CalendarExceptionKind, Event
from motcua.core.services import remove_calendar_exception, set_calendar_exception
from motcua.core.types import CoreEvent

OFFICIAL = WorkingCalendar()


def test_weekends_are_not_working_days():
    assert OFFICIAL.is_working_day(dt.date(2026, 11, 20))  # Friday
    assert not OFFICIAL.is_working_day(dt.date(2026, 11, 21))  # Saturday
    assert not OFFICIAL.is_working_day(dt.date(2026, 11, 22))  # Sunday


def test_national_day_and_lunar_new_year_are_days_off():
    assert not OFFICIAL.is_working_day(dt.date(2026, 9, 2))
    assert not OFFICIAL.is_working_day(dt.date(2026, 2, 17))  # first day of Tết 2026


def test_official_make_up_saturday_is_a_working_day():
    # 2025-05-02 (Friday) was a day off, made up on Saturday 2025-04-26.
    assert not OFFICIAL.is_working_day(dt.date(2025, 5, 2))
    assert OFFICIAL.is_working_day(dt.date(2025, 4, 26))


def test_add_working_days_skips_weekend_and_holidays():
    friday = dt.date(2026, 11, 20)
    assert OFFICIAL.add_working_days(friday, 0) == friday
    assert OFFICIAL.add_working_days(friday, 1) == dt.date(2026, 11, 23)
    # 28 Aug 2026 is a Friday; 31 Aug, 1 and 2 Sep 2026 are days off: next working day is Thursday 3 Sep.
    assert OFFICIAL.add_working_days(dt.date(2026, 8, 28), 1) == dt.date(2026, 9, 3)


def test_tet_2026_spans_a_full_week():
    # Friday 13 Feb 2026; 16-20 Feb are the Tết days off; first working day is Monday 23 Feb.
    assert OFFICIAL.add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 23)
    assert OFFICIAL.working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 23)) == 1


def test_extra_days_off_and_make_up_days_apply():
    calendar = WorkingCalendar(
        extra_days_off=[dt.date(2026, 11, 30)], extra_working_days=[dt.date(2026, 11, 28)]
    )
    friday = dt.date(2026, 11, 27)
    assert calendar.add_working_days(friday, 1) == dt.date(2026, 11, 28)
    assert calendar.add_working_days(friday, 2) == dt.date(2026, 12, 1)


def test_vietnam_cultural_day_is_a_day_off_from_2026():
    assert not OFFICIAL.is_working_day(dt.date(2026, 11, 24))  # a Tuesday


def test_a_day_cannot_be_both_off_and_working():
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar(extra_days_off=[dt.date(2026, 1, 5)], extra_working_days=[dt.date(2026, 1, 5)])


def test_negative_days_are_rejected():
    with pytest.raises(ValueError, match="negative"):
        OFFICIAL.add_working_days(dt.date(2026, 1, 5), -1)


@given(start=st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)), days=st.integers(0, 60))
def test_working_days_between_inverts_add_working_days(start, days):
    end = OFFICIAL.add_working_days(start, days)
    assert OFFICIAL.working_days_between(start, end) == days
    assert OFFICIAL.working_days_between(end, start) == -days
    if days:
        assert OFFICIAL.is_working_day(end)


@pytest.mark.django_db
def test_calendar_exceptions_from_the_database_are_in_force():
    friday = dt.date(2026, 11, 27)
    assert add_working_days(friday, 1) == dt.date(2026, 11, 30)
    set_calendar_exception(
        actor=SYSTEM, date=dt.date(2026, 11, 30), kind=CalendarExceptionKind.DAY_OFF, reason="Storm closure"
    )
    assert add_working_days(friday, 1) == dt.date(2026, 12, 1)
    assert working_days_between(friday, dt.date(2026, 12, 1)) == 1
    entry = AuditEntry.objects.get(type=CoreEvent.CALENDAR_EXCEPTION_SET)
    assert entry.subject_id == "2026-11-30"
    assert entry.changes == {"kind_reason": [None, ["day_off", "Storm closure"]]}
    assert Event.objects.filter(type=CoreEvent.CALENDAR_EXCEPTION_SET, subject_id="2026-11-30").count() == 1

    remove_calendar_exception(actor=SYSTEM, date=dt.date(2026, 11, 30))
    assert add_working_days(friday, 1) == dt.date(2026, 11, 30)
    assert AuditEntry.objects.filter(type=CoreEvent.CALENDAR_EXCEPTION_REMOVED).count() == 1


@pytest.mark.django_db
def test_calendar_exception_needs_a_reason_and_writes_nothing_without_one():
    from motcua.core.errors import MotcuaError

    with pytest.raises(MotcuaError, match="reason"):
        set_calendar_exception(
            actor=SYSTEM, date=dt.date(2026, 11, 23), kind=CalendarExceptionKind.DAY_OFF, reason=" "
        )
    assert not AuditEntry.objects.exists()
    assert not Event.objects.exists()
