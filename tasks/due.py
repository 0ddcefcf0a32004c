"""Due dates (办理期限) from a user task's ``dueWorkingDays`` (工作日) or ``dueIn`` (ISO-8601 duration)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_duration

_WEEKS = re.compile(r"^P(\d+)W$", re.IGNORECASE)


def add_working_days(start: date, days: int) -> date:
    """``start`` plus ``days`` working days (the start day is not counted), per the official calendar."""
    try:
        from decisions.calendar import add_working_days as calendar_add
    except ImportError:  # the decisions calendar not installed yet: the State Council calendar directly
        import chinese_calendar

        current = start
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if chinese_calendar.is_workday(current):
                remaining -= 1
        return current
    return calendar_add(start, days)


def parse_iso_duration(text: str) -> timedelta | None:
    """``P3D``, ``PT4H``, ``P1DT2H``, ``P2W`` → ``timedelta``; ``None`` when not understood."""
    text = text.strip()
    weeks = _WEEKS.match(text)
    if weeks:
        return timedelta(weeks=int(weeks.group(1)))
    return parse_duration(text)


def end_of_day(day: date) -> datetime:
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz)


def due_at(properties: dict[str, str], start: datetime | None = None) -> datetime | None:
    """When a task is due: the end of the n-th working day after ``start``, or ``start`` plus ``dueIn``."""
    start = start or timezone.now()
    working = (properties.get("dueWorkingDays") or "").strip()
    if working:
        try:
            days = int(working)
        except ValueError:
            return None
        local_day = timezone.localtime(start).date()
        return end_of_day(add_working_days(local_day, days))
    duration_text = (properties.get("dueIn") or "").strip()
    if duration_text:
        duration = parse_iso_duration(duration_text)
        return start + duration if duration else None
    return None
