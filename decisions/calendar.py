"""The Chinese working-day calendar (工作日历).

Statutory holidays and adjusted working days (调休) come from the ``chinesecalendar`` package; administrators
extend or correct it with :class:`decisions.models.WorkingDayOverride` rows (an override always wins). Outside the
package's years (it covers 2004 through its last published year) a day without an override is a working day
exactly when it is Monday to Friday.

Counting rules (DOMAIN.md §0; 行政许可法 art 82, 行政处罚法 art 85): the start day is not counted, and a period
whose last day is not a working day ends on the next working day — both follow from counting working days.
"""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar

logger = logging.getLogger(__name__)

# First and last years the installed package knows (holidays are published each year by the State Council).
FIRST_YEAR = min(chinese_calendar.holidays).year
LAST_YEAR = max(chinese_calendar.holidays).year


def _statutory_is_working_day(day: dt.date) -> bool:
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """Override rows between ``first`` and ``last`` (inclusive); none when the database cannot be read."""
    from django.db import DatabaseError

    from .models import WorkingDayOverride

    try:
        rows = WorkingDayOverride.objects.filter(day__range=(first, last)).values_list(
            "day", "is_working_day"
        )
        return dict(rows)
    except (DatabaseError, RuntimeError) as exc:  # RuntimeError: no database access (e.g. a non-db test)
        logger.debug("working-day overrides unavailable: %s", exc)
        return {}


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day (工作日): overrides first, then the statutory calendar."""
    day = _as_date(day)
    override = _overrides(day, day).get(day)
    return _statutory_is_working_day(day) if override is None else override


def is_covered(year: int) -> bool:
    """Whether the statutory calendar knows ``year`` (otherwise only overrides and weekends count)."""
    return FIRST_YEAR <= year <= LAST_YEAR


class _Window:
    """Working-day lookups over a date range with one query for the overrides."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first, self.last = first, last
        self.overrides = _overrides(first, last)

    def working(self, day: dt.date) -> bool:
        if not self.first <= day <= self.last:
            self.extend(day)
        override = self.overrides.get(day)
        return _statutory_is_working_day(day) if override is None else override

    def extend(self, day: dt.date) -> None:
        margin = dt.timedelta(days=60)
        first, last = min(self.first, day - margin), max(self.last, day + margin)
        self.overrides = _overrides(first, last)
        self.first, self.last = first, last


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The day ``n`` working days after ``start`` (the start day itself is not counted).

    ``n = 0`` gives ``start`` rolled forward to a working day; a negative ``n`` counts backwards (the day ``|n|``
    working days before ``start``).
    """
    start = _as_date(start)
    n = int(n)
    step = 1 if n >= 0 else -1
    span = dt.timedelta(days=abs(n) * 2 + 30)
    window = _Window(start - span, start + span) if n < 0 else _Window(start, start + span)
    day, remaining = start, abs(n)
    if n == 0:
        while not window.working(day):
            day += dt.timedelta(days=1)
        return day
    while remaining:
        day += dt.timedelta(days=step)
        if window.working(day):
            remaining -= 1
    return day


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the next one (a period ending on a holiday moves on)."""
    return add_working_days(day, 0)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to and including ``b`` (the start day not counted); negative when ``b < a``."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    window = _Window(a, b)
    count, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        if window.working(day):
            count += 1
    return count


def holidays_between(a: dt.date, b: dt.date) -> list[dt.date]:
    """Non-working days from ``a`` to ``b`` inclusive (for pages that show the calendar)."""
    window = _Window(a, b)
    out, day = [], _as_date(a)
    while day <= b:
        if not window.working(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out
