"""What model expressions may call and touch (表达式函数库): functions, safe methods and attributes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone


class ExpressionError(ValueError):
    """An expression is not allowed, does not parse, or failed while running. ``line`` is 1-based."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def _calendar() -> Any:
    try:
        from decisions import calendar
    except ImportError as exc:  # the working-day calendar lives in decisions (contracts §3)
        raise ExpressionError("工作日历尚不可用（decisions.calendar）") from exc
    return calendar


def add_working_days(start: Any, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (工作日), per the statutory calendar."""
    return _calendar().add_working_days(to_date(start), int(days))


def working_days_between(start: Any, end: Any) -> int:
    return int(_calendar().working_days_between(to_date(start), to_date(end)))


def to_date(value: Any, month: int | None = None, day: int | None = None) -> dt.date:
    """``date("2026-05-01")``, ``date(2026, 5, 1)`` or a datetime's local date."""
    if month is not None and day is not None:
        return dt.date(int(value), int(month), int(day))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if "T" in text or " " in text:
            return to_date(to_datetime(text))
        return dt.date.fromisoformat(text)
    raise ExpressionError(f"无法把 {value!r} 转换为日期")


def to_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        moment = dt.datetime.fromisoformat(value.strip())
    else:
        raise ExpressionError(f"无法把 {value!r} 转换为时间")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _timedelta(days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0, weeks: float = 0):
    return dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds, weeks=weeks)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "add_working_days": add_working_days,
    "working_days_between": working_days_between,
    "today": lambda: timezone.localdate(),
    "now": lambda: timezone.now(),
    "date": to_date,
    "datetime": to_datetime,
    "timedelta": _timedelta,
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "sum": sum,
    "any": any,
    "all": all,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "sorted": sorted,
}

#: Methods a model may call, by receiver type. Nothing here can reach an object's internals.
SAFE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        {"lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "replace", "join",
         "isdigit"}
    ),
    dict: frozenset({"get", "keys", "values", "items"}),
    list: frozenset({"count", "index"}),
    tuple: frozenset({"count", "index"}),
    dt.date: frozenset({"isoformat", "weekday"}),
    dt.datetime: frozenset({"isoformat", "weekday", "date"}),
}
SAFE_ATTRIBUTES: dict[type, frozenset[str]] = {
    dt.date: frozenset({"year", "month", "day"}),
    dt.datetime: frozenset({"year", "month", "day", "hour", "minute", "second"}),
    dt.timedelta: frozenset({"days", "seconds"}),
}
