"""Compiled rule matching with bit masks: each input column is evaluated once per call, not once per rule.

Per column: rules whose cell is ``-`` are always in; cells that are plain literals (``"A","B"``, ``5``, ``true``)
are one dictionary lookup; every other distinct cell text is one compiled test, skipped when none of its rules is
still in the running. The rules that match are the AND of the column masks, bit ``i`` = rule ``i + 1``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .feel_ast import Compare, Lit
from .feel_compile import TestFn
from .feel_values import kind

if TYPE_CHECKING:
    from .model import DecisionTable

_HASHABLE = frozenset({"number", "string", "boolean", "date", "datetime", "null"})


class Matcher:
    def __init__(self, table: DecisionTable):
        self.size = len(table.rules)
        self.all = (1 << self.size) - 1
        self.columns: list[tuple[int, int, dict[tuple[str, Any], int], list[tuple[TestFn, int]]]] = []
        for c in range(len(table.inputs)):
            dash = 0
            index: dict[tuple[str, Any], int] = {}
            others: dict[str, tuple[TestFn, int]] = {}
            for rule in table.rules:
                bit = 1 << (rule.index - 1)
                tests = rule.tests[c]
                literals = _literal_values(tests)
                if tests.is_any:
                    dash |= bit
                elif literals is not None:
                    for value in literals:
                        key = (kind(value), value)
                        index[key] = index.get(key, 0) | bit
                else:
                    text = " ".join(rule.input_texts[c].split())
                    fn, mask = others.get(text, (rule.test_fns[c], 0))
                    others[text] = (fn, mask | bit)
            if dash != self.all:
                self.columns.append((c, dash, index, list(others.values())))
        # Dictionary-lookup columns first: they narrow the candidates cheaply, so fewer tests run afterwards.
        self.columns.sort(key=lambda col: len(col[3]))

    def match(self, values: list[Any], ctx: dict[str, Any]) -> int:
        """Bit mask of the rules whose every cell is satisfied."""
        mask = self.all
        for c, dash, index, others in self.columns:
            value = values[c]
            m = dash
            if index:
                k = kind(value)
                if k in _HASHABLE:
                    m |= index.get((k, value), 0)
            for fn, rules in others:
                if rules & mask and rules & ~m and fn(value, ctx) is True:
                    m |= rules
            mask &= m
            if not mask:
                return 0
        return mask


def _literal_values(tests: Any) -> list[Any] | None:
    """The literal values of a cell like ``"A","B"`` (positive equality with literals only), else None."""
    if tests.negated or not tests.tests:
        return None
    values = []
    for t in tests.tests:
        if not (isinstance(t, Compare) and t.op == "=" and isinstance(t.endpoint, Lit)):
            return None
        if kind(t.endpoint.value) not in _HASHABLE:
            return None
        values.append(t.endpoint.value)
    return values


def indices(mask: int) -> list[int]:
    """0-based rule positions in a mask, in rule order."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def first_index(mask: int) -> int:
    return (mask & -mask).bit_length() - 1
