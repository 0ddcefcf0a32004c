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


def coerce(value: Any, fam: str, label: str) -> Any:
    """``value`` as FEEL type ``fam``; a value that cannot be read so → :class:`DecisionInputError`."""
    if type(value) in _READY.get(fam, ()):
        if type(value) is Decimal and not value.is_finite():
            raise DecisionInputError(f"“{label}”不是有限的数值：{value}")
        return value
    value = normalize(value)
    if value is None or fam in ("any", "string"):
        return value
    k = kind(value)
    if k == fam:
        return value
    if fam == "number" and isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
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
