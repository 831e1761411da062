"""Reporting periods of the index: month, quarter and year (domain notes §2.2)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from motcua.metrics.models import PeriodKind

KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)


def start_of(kind: str, day: datetime.date) -> datetime.date:
    if kind == PeriodKind.MONTH:
        return day.replace(day=1)
    if kind == PeriodKind.QUARTER:
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if kind == PeriodKind.YEAR:
        return datetime.date(day.year, 1, 1)
    raise ValueError(kind)


def end_of(kind: str, start: datetime.date) -> datetime.date:
    """The last day of the period that begins on ``start``."""
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[PeriodKind(kind)]
    last_month = start.month + months - 1
    year = start.year + (last_month - 1) // 12
    month = (last_month - 1) % 12 + 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date

    @property
    def end(self) -> datetime.date:
        return end_of(self.kind, self.start)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def previous(self, count: int = 1) -> list[Period]:
        """This period and the ``count - 1`` before it, oldest first."""
        periods = [self]
        current = self
        for _ in range(count - 1):
            current = Period(self.kind, start_of(self.kind, current.start - datetime.timedelta(days=1)))
            periods.append(current)
        return list(reversed(periods))


def parse(kind: str, value: str) -> Period:
    """``2026-07`` (month), ``2026-Q3`` (quarter) or ``2026`` (year); ValueError otherwise."""
    try:
        return _parse(PeriodKind(kind), value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a {kind}: {value!r}") from exc


def _parse(kind: PeriodKind, value: str) -> Period:
    if kind == PeriodKind.MONTH:
        year, month = value.split("-")
        return Period(kind, datetime.date(int(year), int(month), 1))
    if kind == PeriodKind.QUARTER:
        year, quarter = value.split("-Q")
        if not 1 <= int(quarter) <= 4:
            raise ValueError(value)
        return Period(kind, datetime.date(int(year), 3 * (int(quarter) - 1) + 1, 1))
    if len(value) != 4:
        raise ValueError(value)
    return Period(kind, datetime.date(int(value), 1, 1))


def current(kind: str, today: datetime.date) -> Period:
    return Period(kind, start_of(kind, today))
