"""Built-in functions of the FEEL subset (null in, null out; wrong types give null, as FEEL does)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from .feel_values import compare, kind, normalize


def _date(*args: Any) -> dt.date | None:
    if len(args) == 1:
        value = args[0]
        if type(value) is dt.datetime:
            return value.date()
        if type(value) is dt.date:
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else None
            except ValueError:
                return None
        return None
    if len(args) == 3 and all(kind(a) == "number" for a in args):
        try:
            return dt.date(int(args[0]), int(args[1]), int(args[2]))
        except ValueError:
            return None
    return None


def _datetime(value: Any) -> dt.datetime | None:
    if type(value) is dt.datetime:
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _number(value: Any) -> Any:
    if kind(value) == "number":
        return value
    if isinstance(value, str):
        try:
            return normalize(Decimal(value.strip()))
        except InvalidOperation:
            return None
    return None


def _string(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _items(args: tuple[Any, ...]) -> list[Any] | None:
    if len(args) == 1 and isinstance(args[0], list):
        return args[0]
    return list(args)


def _extreme(op: str) -> Callable[..., Any]:
    def pick(*args: Any) -> Any:
        items = _items(args)
        if not items:
            return None
        best = items[0]
        for item in items[1:]:
            result = compare(op, item, best)
            if result is None:
                return None
            if result:
                best = item
        return best

    return pick


def _sum(*args: Any) -> Any:
    items = _items(args)
    if not items or any(kind(i) != "number" for i in items):
        return None
    return sum(items, start=0)


def _count(*args: Any) -> int:
    items = _items(args)
    return len(items or [])


def _not(value: Any) -> bool | None:
    return (not value) if type(value) is bool else None


def _str2(fn: Callable[[str, str], bool]) -> Callable[[Any, Any], bool | None]:
    def call(a: Any, b: Any) -> bool | None:
        return fn(a, b) if isinstance(a, str) and isinstance(b, str) else None

    return call


def _num1(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def call(a: Any) -> Any:
        return fn(a) if kind(a) == "number" else None

    return call


def _is_working_day(day: Any) -> bool | None:
    from decisions import calendar

    d = _date(day)
    return None if d is None else calendar.is_working_day(d)


def _add_working_days(day: Any, n: Any) -> dt.date | None:
    from decisions import calendar

    d = _date(day)
    return None if d is None or kind(n) != "number" else calendar.add_working_days(d, int(n))


def _working_days_between(a: Any, b: Any) -> int | None:
    from decisions import calendar

    da, db = _date(a), _date(b)
    return None if da is None or db is None else calendar.working_days_between(da, db)


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


BUILTINS: dict[str, Callable[..., Any]] = {
    "date": _date,
    "date and time": _datetime,
    "number": _number,
    "string": _string,
    "abs": _num1(abs),
    "floor": _num1(lambda a: int(math.floor(a))),
    "ceiling": _num1(lambda a: int(math.ceil(a))),
    "min": _extreme("<"),
    "max": _extreme(">"),
    "sum": _sum,
    "count": _count,
    "not": _not,
    "contains": _str2(lambda a, b: b in a),
    "starts with": _str2(lambda a, b: a.startswith(b)),
    "ends with": _str2(lambda a, b: a.endswith(b)),
    "string length": lambda a: len(a) if isinstance(a, str) else None,
    "upper case": lambda a: a.upper() if isinstance(a, str) else None,
    "lower case": lambda a: a.lower() if isinstance(a, str) else None,
    "today": _today,
    "is_working_day": _is_working_day,
    "add_working_days": _add_working_days,
    "working_days_between": _working_days_between,
}

ARITY: dict[str, tuple[int, int]] = {
    "date": (1, 3),
    "date and time": (1, 1),
    "number": (1, 1),
    "string": (1, 1),
    "abs": (1, 1),
    "floor": (1, 1),
    "ceiling": (1, 1),
    "min": (1, 99),
    "max": (1, 99),
    "sum": (1, 99),
    "count": (1, 99),
    "not": (1, 1),
    "contains": (2, 2),
    "starts with": (2, 2),
    "ends with": (2, 2),
    "string length": (1, 1),
    "upper case": (1, 1),
    "lower case": (1, 1),
    "today": (0, 0),
    "is_working_day": (1, 1),
    "add_working_days": (2, 2),
    "working_days_between": (2, 2),
}
