"""A petition's deadlines, in working days on the platform's calendar (``core.calendar``).

The limits are those of the national portal's PAKN measurement in Decision 766 (indicator 5.2):
refuse within 2 working days, request more information within 5, handle (answer) within 15,
publish within 2. They are [V] as the 766 measurement rule and [M] as the articles of Decision
31/2021 (Chapter 6) that set them, which were not retrieved (domain notes B.1).

Counting follows the dossiers' convention: ``n`` working days after a day is the ``n``-th
working day after it (the day itself not counted), so Saturdays, Sundays, public holidays and
declared days off are skipped and official make-up Saturdays count.

Our reading where the notes say nothing ([M], docs/feedback.md):
- the refusal, information-request and answer limits run from the day the competent agency's
  clock started: the receipt, or the day of the last transfer (the agency it was transferred to
  starts afresh), and a transfer itself is an intake step held to the refusal limit;
- while the petitioner is asked for information the clock stands still: the working days from
  the request to the reply are added to the answer limit;
- the publication limit runs from the day of the answer.
"""

from __future__ import annotations

import datetime

from motcua.core.calendar import WorkingCalendar

REFUSE_DAYS = 2
INFO_REQUEST_DAYS = 5
HANDLE_DAYS = 15
PUBLISH_DAYS = 2


def refuse_due(clock_started_on: datetime.date, *, calendar: WorkingCalendar) -> datetime.date:
    return calendar.add_working_days(clock_started_on, REFUSE_DAYS)


def info_request_due(clock_started_on: datetime.date, *, calendar: WorkingCalendar) -> datetime.date:
    return calendar.add_working_days(clock_started_on, INFO_REQUEST_DAYS)


def answer_due(
    clock_started_on: datetime.date, paused_days: int, *, calendar: WorkingCalendar
) -> datetime.date:
    return calendar.add_working_days(clock_started_on, HANDLE_DAYS + paused_days)


def publish_due(answered_on: datetime.date, *, calendar: WorkingCalendar) -> datetime.date:
    return calendar.add_working_days(answered_on, PUBLISH_DAYS)


def paused_working_days(
    paused_on: datetime.date, resumed_on: datetime.date, *, calendar: WorkingCalendar
) -> int:
    """The working days the clock stood still: those in (paused_on, resumed_on]."""
    return max(0, calendar.working_days_between(paused_on, resumed_on))
