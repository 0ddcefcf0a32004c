"""FEEL value semantics: kinds, null-propagating comparison and arithmetic, normalisation of Python values."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

NUMBER_TYPES = (int, Decimal)


def normalize(value: Any) -> Any:
    """A Python value as FEEL sees it: floats become exact decimals (0.6 stays 0.6), tuples become lists."""
    t = type(value)
    if t is float:
        return Decimal(repr(value)) if math.isfinite(value) else None  # FEEL has no NaN or infinity
    if t is tuple:
        return [normalize(v) for v in value]
    return value


def kind(value: Any) -> str:
    """FEEL type of a value: number, string, boolean, date, datetime, null, list, context, other."""
    t = type(value)
    if t is bool:
        return "boolean"
    if t is int or t is Decimal or t is float:
        return "number"
    if t is str:
        return "string"
    if t is dt.date:
        return "date"
    if t is dt.datetime:
        return "datetime"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "context"
    return "other"


def equal(a: Any, b: Any) -> bool | None:
    """FEEL ``=``: null equals only null; values of different types give null."""
    if a is None or b is None:
        return a is None and b is None
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return None
    return bool(a == b)


_ORDERED = frozenset({"number", "string", "date", "datetime"})


def compare(op: str, a: Any, b: Any) -> bool | None:
    """FEEL ``< <= > >=``: only between two numbers, strings, dates or date-times; anything else is null."""
    ka = kind(a)
    if ka not in _ORDERED or ka != kind(b):
        return None
    try:
        if op == "<":
            return bool(a < b)
        if op == "<=":
            return bool(a <= b)
        if op == ">":
            return bool(a > b)
        return bool(a >= b)
    except TypeError:  # naive vs aware date-times
        return None


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """FEEL ``+ - * / **`` on numbers (exact decimals), ``+`` on strings; null on a type error or ÷ 0."""
    ka, kb = kind(a), kind(b)
    if ka == kb == "string" and op == "+":
        return a + b
    if ka != "number" or kb != "number":
        return None
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            result = Decimal(a) / Decimal(b)
            return int(result) if result == result.to_integral_value() else result.normalize()
        if isinstance(b, int) and abs(b) <= 1000:
            return a**b if b >= 0 else Decimal(1) / Decimal(a) ** -b
        return None
    except ArithmeticError:  # decimal signals (division by zero, overflow, invalid), int overflow
        return None


def truth(value: Any) -> bool | None:
    return value if type(value) is bool else None


def logical_and(a: Any, b: Any) -> bool | None:
    ta, tb = truth(a), truth(b)
    if ta is False or tb is False:
        return False
    if ta is True and tb is True:
        return True
    return None


def logical_or(a: Any, b: Any) -> bool | None:
    ta, tb = truth(a), truth(b)
    if ta is True or tb is True:
        return True
    if ta is False and tb is False:
        return False
    return None


def to_python(value: Any) -> Any:
    """A FEEL result for callers and JSON: integral decimals as ``int``, other decimals as ``float``."""
    if type(value) is Decimal:
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [to_python(v) for v in value]
    if isinstance(value, dict):
        return {k: to_python(v) for k, v in value.items()}
    return value


def describe(value: Any) -> str:
    """A value as a person reads it in an explanation."""
    if value is None:
        return "空"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(to_python(value))
