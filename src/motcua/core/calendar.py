"""The working-day calendar: Vietnamese public holidays plus local policy.

Statutory processing times are counted in working days (Monday to Friday), excluding the
public holidays and official substitute days off published each year (from the
``holidays`` package, which also knows the official make-up Saturdays), adjusted by
``CalendarException`` rows: extra days off declared by the government during the year,
and extra make-up working days.

Convention (used by dossier appointment dates): ``add_working_days(start, n)`` returns
the date on which the ``n``-th working day *after* ``start`` falls, so a dossier received
on a Friday with a 1-working-day limit is due the next Monday. ``working_days_between``
is its inverse: the number of working days in the interval (start, end].
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache

import holidays

from motcua.core import refdata
from motcua.core.models import CalendarException, CalendarExceptionKind

_MAX_SPAN_DAYS = 366 * 20


@lru_cache(maxsize=64)
def _official(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """(days off, weekend working days) from the official calendar for one year."""
    calendar = holidays.country_holidays("VN", years=year)
    days_off = frozenset(day for day in calendar if day.year == year)
    make_up = frozenset(day for day in getattr(calendar, "weekend_workdays", set()) if day.year == year)
    return days_off, make_up


class WorkingCalendar:
    """A calendar with explicit exceptions; build one with ``WorkingCalendar.current()``."""

    def __init__(
        self,
        *,
        extra_days_off: Iterable[datetime.date] = (),
        extra_working_days: Iterable[datetime.date] = (),
    ) -> None:
        self.extra_days_off = frozenset(extra_days_off)
        self.extra_working_days = frozenset(extra_working_days)
        overlap = self.extra_days_off & self.extra_working_days
        if overlap:
            raise ValueError(f"A day cannot be both off and working: {sorted(overlap)}")

    @classmethod
    def current(cls) -> WorkingCalendar:
        """The calendar in force: official holidays plus the exceptions stored in the database
        (read once per reference-data version, ``core.refdata``)."""
        return refdata.cached("calendar", None, cls._load)

    @classmethod
    def _load(cls) -> WorkingCalendar:
        rows = list(CalendarException.objects.values_list("date", "kind"))
        return cls(
            extra_days_off=[day for day, kind in rows if kind == CalendarExceptionKind.DAY_OFF],
            extra_working_days=[day for day, kind in rows if kind == CalendarExceptionKind.WORKING_DAY],
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        days_off, make_up = _official(day.year)
        if day in make_up:
            return True
        return day.weekday() < 5 and day not in days_off

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date of the ``days``-th working day after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        for _ in range(_MAX_SPAN_DAYS):
            if remaining == 0:
                return current
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        raise ValueError(f"{days} working days after {start} is beyond the calendar's range")

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        if (end - start).days > _MAX_SPAN_DAYS:
            raise ValueError("interval too long")
        count = 0
        current = start
        while current < end:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def add_working_days(
    start: datetime.date, days: int, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    return (calendar or WorkingCalendar.current()).add_working_days(start, days)


def working_days_between(
    start: datetime.date, end: datetime.date, *, calendar: WorkingCalendar | None = None
) -> int:
    return (calendar or WorkingCalendar.current()).working_days_between(start, end)
