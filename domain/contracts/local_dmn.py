"""Interim reader for the contract decision tables while ``decisions.api`` is not installed.

It understands exactly what ``decisions/tables/contracts/*.dmn`` use — hit policies FIRST and COLLECT; unary tests
``-``, literals, comparisons (``< 1``, ``>= 8``), ranges (``[0..0.6)``), comma lists of strings, booleans — and
is dropped as soon as the decisions layer lands (``rules.evaluate`` prefers it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

NS = {"d": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
TABLES = Path(__file__).resolve().parents[2] / "decisions" / "tables" / "contracts"
RANGE = re.compile(r"^([\[\(\]])\s*(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)\s*([\]\)\[])$")
COMPARE = re.compile(r"^(<=|>=|<|>|=)?\s*(-?[\d.]+)$")


@dataclass
class Result:
    outputs: Any
    matched: list[dict[str, Any]] = field(default_factory=list)


def _literal(text: str) -> Any:
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    return Decimal(text)


def _test(entry: str, value: Any) -> bool:
    entry = entry.strip()
    if entry in ("-", ""):
        return True
    if entry in ("true", "false"):
        return value is (entry == "true")
    if entry.startswith('"'):
        return value in [s.strip().strip('"') for s in entry.split(",")]
    number = Decimal(str(value))
    match = RANGE.match(entry)
    if match:
        lo, hi = Decimal(match.group(2)), Decimal(match.group(3))
        low_ok = number >= lo if match.group(1) == "[" else number > lo
        high_ok = number <= hi if match.group(4) == "]" else number < hi
        return low_ok and high_ok
    match = COMPARE.match(entry)
    if not match:
        raise ValueError(f"unsupported unary test {entry!r}")
    op, bound = match.group(1) or "=", Decimal(match.group(2))
    return {"<": number < bound, "<=": number <= bound, ">": number > bound, ">=": number >= bound,
            "=": number == bound}[op]


@cache
def _tables() -> dict[str, Any]:
    found = {}
    for path in sorted(TABLES.glob("*.dmn")):
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        for decision in root.iterfind("d:decision", NS):
            found[decision.get("id")] = decision.find("d:decisionTable", NS)
    return found


def evaluate(decision_id: str, inputs: dict[str, Any]) -> Result:
    table = _tables()[decision_id]
    names = [i.find("d:inputExpression/d:text", NS).text.strip() for i in table.iterfind("d:input", NS)]
    outputs = [o.get("name") for o in table.iterfind("d:output", NS)]
    rows, matched = [], []
    for index, rule in enumerate(table.iterfind("d:rule", NS)):
        entries = [e.find("d:text", NS).text or "" for e in rule.iterfind("d:inputEntry", NS)]
        if all(_test(entry, inputs[name]) for entry, name in zip(entries, names, strict=True)):
            values = [_literal(e.find("d:text", NS).text or "") for e in rule.iterfind("d:outputEntry", NS)]
            rows.append(dict(zip(outputs, values, strict=True)))
            matched.append({"rule_id": rule.get("id"), "index": index, "annotation": ""})
            if table.get("hitPolicy", "UNIQUE") == "FIRST":
                return Result(rows[0], matched)
    if table.get("hitPolicy") == "COLLECT":
        return Result(rows, matched)
    return Result(rows[0] if rows else {}, matched)
