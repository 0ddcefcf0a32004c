"""The Chinese working-day calendar (工作日历).

Statutory holidays and adjusted working days (调休) come from the ``chinesecalendar`` package; administrators
extend or correct it with :class:`decisions.models.WorkingDayOverride` rows (an override always wins). For a year
after the package's last published one, the State Council's schedule is not known yet, but the holidays themselves
are fixed by law (《全国年节及纪念日放假办法》, 2024 revision, in force from 2025): :func:`provisional_holidays`
computes them from the lunar calendar and the solar terms, and such a day is a working day when it is Monday to
Friday and not one of them. Only the announced extras (bridging days off, weekend makeup days 调休) are missing
until they are entered as overrides. Before the package's first year, Monday to Friday.

Counting rules (DOMAIN.md §0; 行政许可法 art 82, 行政处罚法 art 85): the start day is not counted, and a period
whose last day is not a working day ends on the next working day — both follow from counting working days.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import chinese_calendar
from lunar_python import Lunar, Solar

logger = logging.getLogger(__name__)

# First and last years the installed package knows (holidays are published each year by the State Council).
FIRST_YEAR = min(chinese_calendar.holidays).year
LAST_YEAR = max(chinese_calendar.holidays).year


# 《全国年节及纪念日放假办法》 art. 2 (2024 revision): the days off for all citizens. Lunar dates as (month, day);
# 春节 starts on 除夕, the last day of the lunar year, and lasts four days.
_SOLAR_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))  # 元旦, 劳动节 ×2, 国庆节 ×3
_LUNAR_HOLIDAYS = ((5, 5), (8, 15))  # 端午节, 中秋节
SPRING_FESTIVAL_DAYS = 4
PROVISIONAL_RULE_FROM = 2025  # the revision's first year: earlier years had other day counts


@functools.cache
def provisional_holidays(year: int) -> frozenset[dt.date]:
    """The days off the law fixes for ``year``: the statutory holidays (法定节假日, art. 2: 元旦, 春节 除夕 to 初三,
    清明节 on the 清明 solar term, 劳动节 May 1–2, 端午节, 中秋节, 国庆节 October 1–3 — 13 days unless two coincide) and,
    for each that falls on a Saturday or Sunday, a make-up day off (补假, art. 6) on the next weekday that is not
    already off. Refused before 2025, when other day counts applied. The announced schedule may move days around
    (调休) or add one where two holidays coincide; those come in as overrides."""
    statutory = statutory_holidays(year)
    days = set(statutory)
    for holiday in sorted(statutory):
        if holiday.weekday() >= 5:
            day = holiday + dt.timedelta(days=1)
            while day.weekday() >= 5 or day in days:
                day += dt.timedelta(days=1)
            days.add(day)
    return frozenset(days)


@functools.cache
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """The statutory holidays alone (art. 2), without make-up days."""
    if year < PROVISIONAL_RULE_FROM:
        raise ValueError(f"the statutory holiday rule used here applies from {PROVISIONAL_RULE_FROM}")
    days = {dt.date(year, m, d) for m, d in _SOLAR_HOLIDAYS}
    for month, day in _LUNAR_HOLIDAYS:
        solar = Lunar.fromYmd(year, month, day).getSolar()
        days.add(dt.date(solar.getYear(), solar.getMonth(), solar.getDay()))
    new_year = Lunar.fromYmd(year, 1, 1).getSolar()
    eve = dt.date(new_year.getYear(), new_year.getMonth(), new_year.getDay()) - dt.timedelta(days=1)
    days.update(eve + dt.timedelta(days=i) for i in range(SPRING_FESTIVAL_DAYS))
    qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    days.add(dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()))
    return frozenset(days)


def _statutory_is_working_day(day: dt.date) -> bool:
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return bool(chinese_calendar.is_workday(day))
    if day.year > LAST_YEAR:
        return day.weekday() < 5 and day not in provisional_holidays(day.year)
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
    """Whether the published schedule of ``year`` is installed (otherwise overrides, the law's own holidays and
    weekends count, without the announced 调休 days)."""
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
