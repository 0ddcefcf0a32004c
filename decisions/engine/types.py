"""Input/output ``typeRef`` handling: reading a caller's value as the declared FEEL type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import DecisionInputError
from .feel_values import kind, normalize

NUMBER = frozenset({"number", "integer", "int", "long", "double", "decimal", "float"})
STRING = frozenset({"string"})
BOOLEAN = frozenset({"boolean", "bool"})
DATE = frozenset({"date"})
DATETIME = frozenset({"datetime", "dateTime", "date and time"})
KNOWN = NUMBER | STRING | BOOLEAN | DATE | DATETIME | {"any", "Any", ""}
TYPE_LABELS = {"number": "数值", "string": "文本", "boolean": "是/否", "date": "日期", "datetime": "日期时间"}


_READY: dict[str, frozenset[type]] = {
    "number": frozenset({int, Decimal}),
    "string": frozenset({str}),
    "boolean": frozenset({bool}),
    "date": frozenset({dt.date}),
    "datetime": frozenset({dt.datetime}),
    "any": frozenset({str, int, Decimal, bool, dt.date, type(None)}),
}


def family(type_ref: str | None) -> str:
    """``number`` | ``string`` | ``boolean`` | ``date`` | ``datetime`` | ``any``."""
    if not type_ref:
        return "any"
    if type_ref in NUMBER:
        return "number"
    if type_ref in STRING:
        return "string"
    if type_ref in BOOLEAN:
        return "boolean"
    if type_ref in DATE:
        return "date"
    if type_ref in DATETIME:
        return "datetime"
    return "any"


#: FEEL numbers are decimal128 (34 significant digits). A longer integer part cannot be computed with exactly,
#: and turning ``1e20000000`` into an integer would keep a worker busy for minutes: such inputs are refused.
MAX_INTEGER_DIGITS = 34


def _too_large(number: int | Decimal) -> bool:
    if isinstance(number, Decimal):
        return number.is_finite() and number.adjusted() >= MAX_INTEGER_DIGITS
    return abs(number) >= 10**MAX_INTEGER_DIGITS


def coerce(value: Any, fam: str, label: str) -> Any:
    """``value`` as FEEL type ``fam``; a value that cannot be read so → :class:`DecisionInputError`."""
    if type(value) in _READY.get(fam, ()):
        if type(value) is Decimal and not value.is_finite():
            raise DecisionInputError(f"“{label}”不是有限的数值：{value}")
        if type(value) in (int, Decimal) and _too_large(value):
            raise DecisionInputError(f"“{label}”的数值过大（整数部分最多 {MAX_INTEGER_DIGITS} 位）")
        return value
    value = normalize(value)
    if value is None or fam in ("any", "string"):
        return value
    k = kind(value)
    if k == fam:
        if k == "number" and _too_large(value):
            raise DecisionInputError(f"“{label}”的数值过大（整数部分最多 {MAX_INTEGER_DIGITS} 位）")
        return value
    if fam == "number" and isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            if _too_large(number):
                raise DecisionInputError(f"“{label}”的数值过大（整数部分最多 {MAX_INTEGER_DIGITS} 位）")
            return int(number) if number == number.to_integral_value() and "." not in value else number
    elif fam == "boolean" and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    elif fam == "date":
        if k == "datetime":
            return value.date()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                pass
    elif fam == "datetime" and isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DecisionInputError(f"“{label}”应为{TYPE_LABELS.get(fam, fam)}，收到的值 “{value}” 无法识别")
