"""Partition an input column into elementary segments so cells can be compared symbolically (for the verifier).

Every literal that a column's cells mention is a boundary; between and around them lie open segments. A cell made
of literal comparisons, ranges and lists is then either wholly true or wholly false on each segment, so testing
one representative value per segment decides coverage exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .feel_ast import Compare, Interval, Lit, UnaryTests
from .feel_values import describe, kind

ORDERED = frozenset({"number", "string", "date", "datetime"})


@dataclass(frozen=True)
class Segment:
    value: Any  # a representative value
    low: Any = None  # for open segments: the bounds (None = unbounded)
    high: Any = None
    point: bool = True

    def describe(self, label: str) -> str:
        if self.point:
            return f"{label} = {_show(self.value)}"
        if self.low is None and self.high is None:
            return f"{label} 为其他值"
        if self.low is None:
            return f"{label} < {_show(self.high)}"
        if self.high is None:
            return f"{label} > {_show(self.low)}"
        return f"{_show(self.low)} < {label} < {_show(self.high)}"


def _show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else describe(value)


def literal_values(tests: UnaryTests) -> list[Any] | None:
    """The literals a cell mentions, or None when it is not purely literal (names, ``?``, functions)."""
    values: list[Any] = []
    for t in tests.tests:
        if isinstance(t, Compare) and isinstance(t.endpoint, Lit):
            values.append(t.endpoint.value)
        elif isinstance(t, Interval) and isinstance(t.low, Lit) and isinstance(t.high, Lit):
            values += [t.low.value, t.high.value]
        else:
            return None
    return values


def _between(low: Any, high: Any, k: str) -> Any:
    """A value strictly between ``low`` and ``high`` (either may be None = unbounded), or None if there is none."""
    if k == "number":
        if low is None:
            return Decimal(high) - 1
        if high is None:
            return Decimal(low) + 1
        return (Decimal(low) + Decimal(high)) / 2
    if k in ("date", "datetime"):
        step = dt.timedelta(days=1) if k == "date" else dt.timedelta(seconds=1)
        if low is None:
            return high - step
        candidate = low + step
        return candidate if high is None or candidate < high else None
    if k == "string":
        if low is None:
            return "" if high != "" else None
        candidate = low + "\x00"
        return candidate if high is None or candidate < high else None
    return None


def segments_for(kind_: str, literals: list[Any]) -> list[Segment]:
    """Elementary segments of a column whose cells mention ``literals`` (all of kind ``kind_``)."""
    if kind_ == "boolean":
        return [Segment(True), Segment(False)]
    points = sorted(set(literals))
    if kind_ not in ORDERED:
        return [Segment(p) for p in points]
    out: list[Segment] = []
    bounds: list[Any] = [None, *points, None]
    for i in range(len(bounds) - 1):
        low, high = bounds[i], bounds[i + 1]
        if low is not None:
            out.append(Segment(low))
        if kind_ == "string" and low is None and high is None:
            out.append(Segment("\x00其他", None, None, point=False))
            continue
        rep = _between(low, high, kind_)
        if rep is not None:
            out.append(Segment(rep, low, high, point=False))
    return out


def column_kind(family: str, cells: list[UnaryTests]) -> str | None:
    """The kind to partition by: the declared family, else the one kind of the literals; None if mixed/unknown."""
    if family in ("number", "string", "boolean", "date", "datetime"):
        return family
    kinds = {kind(v) for c in cells for v in (literal_values(c) or []) if v is not None}
    return kinds.pop() if len(kinds) == 1 else None
