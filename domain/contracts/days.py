"""Day counting for contracts (期限计算, DOMAIN.md §0), on the platform's working-day calendar
(``decisions.calendar``: the statutory Chinese calendar plus administrator overrides).

* Notice periods are counted in working days (工作日) — the period is data (DMN), default 5.
* The contract-law periods (14 days to verify a payment, 30 days to file, 15 days to file a change, 60 days to
  verify a settlement) are calendar days; the start day is not counted and a period ending on a rest day or a
  public holiday moves to the next working day.
"""

from __future__ import annotations

import datetime as dt

from decisions import calendar


def is_working_day(day: dt.date) -> bool:
    return bool(calendar.is_working_day(day))


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, otherwise the next one."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (the start day is not counted)."""
    return calendar.add_working_days(day, n)


def calendar_deadline(day: dt.date, n: int) -> dt.date:
    """``n`` calendar days after ``day``; a deadline falling on a rest day moves to the next working day."""
    return next_working_day(day + dt.timedelta(days=n))
