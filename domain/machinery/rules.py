"""Decisions of this context, read from the DMN tables in ``decisions/tables/machinery/``.

Evaluated by the platform DMN engine (``decisions.api.evaluate``, contracts §3) when it is installed. Until then a
small reader of the same files evaluates the FEEL unary tests these tables use (``-``, literals, comma lists,
``< <= > >=`` and ranges ``[a..b]``), so the tables stay the single source of the rules.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from domain.errors import ProcedureError

TABLES = Path(__file__).resolve().parents[2] / "decisions" / "tables" / "machinery"
NS = {"d": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
_RANGE = re.compile(r"^([\[\]\(])\s*(.+?)\s*\.\.\s*(.+?)\s*([\]\[\)])$")


@dataclass(frozen=True)
class Rule:
    rule_id: str
    description: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    hit_policy: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    rules: tuple[Rule, ...]


def _literal(text: str) -> Any:
    text = text.strip()
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    return Decimal(text)


def _split(test: str) -> list[str]:
    parts, depth, quoted, current = [], 0, False, ""
    for ch in test:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "[(":
            depth += 1
        elif not quoted and ch in "])":
            depth -= 1
        if ch == "," and not quoted and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def _single(test: str, value: Any) -> bool:
    value = _number(value)
    match = _RANGE.match(test)
    if match:
        low, high = _literal(match.group(2)), _literal(match.group(3))
        if value is None:
            return False
        above = value >= low if match.group(1) == "[" else value > low
        below = value <= high if match.group(4) == "]" else value < high
        return bool(above and below)
    for op in (">=", "<=", ">", "<"):
        if test.startswith(op):
            bound = _literal(test[len(op) :])
            if value is None:
                return False
            return bool({">=": value >= bound, "<=": value <= bound, ">": value > bound, "<": value < bound}[op])
    return bool(value == _literal(test))


def matches(test: str, value: Any) -> bool:
    """Whether ``value`` satisfies the FEEL unary test ``test`` (the subset above)."""
    test = (test or "").strip()
    if test in ("-", ""):
        return True
    return any(_single(part, value) for part in _split(test))


@cache
def tables() -> dict[str, Table]:
    found: dict[str, Table] = {}
    for path in sorted(TABLES.glob("*.dmn")):
        root = etree.parse(str(path)).getroot()  # noqa: S320 - our own repository files
        for decision in root.findall("d:decision", NS):
            dt = decision.find("d:decisionTable", NS)
            found[decision.get("id")] = Table(
                hit_policy=dt.get("hitPolicy", "UNIQUE"),
                inputs=tuple(e.findtext("d:inputExpression/d:text", namespaces=NS) for e in dt.findall("d:input", NS)),
                outputs=tuple(o.get("name") for o in dt.findall("d:output", NS)),
                rules=tuple(
                    Rule(
                        rule_id=r.get("id"),
                        description=r.findtext("d:description", default="", namespaces=NS),
                        inputs=tuple(e.findtext("d:text", namespaces=NS) for e in r.findall("d:inputEntry", NS)),
                        outputs=tuple(e.findtext("d:text", namespaces=NS) for e in r.findall("d:outputEntry", NS)),
                    )
                    for r in dt.findall("d:rule", NS)
                ),
            )
    return found


def _local_evaluate(decision_id: str, inputs: dict[str, Any]) -> list[dict[str, Any]]:
    table = tables()[decision_id]
    hits = []
    for rule in table.rules:
        if all(matches(t, inputs.get(name)) for name, t in zip(table.inputs, rule.inputs, strict=True)):
            row = {name: _literal(o) for name, o in zip(table.outputs, rule.outputs, strict=True)}
            row["rule_id"] = rule.rule_id
            hits.append(row)
            if table.hit_policy in ("FIRST", "UNIQUE"):
                break
    if not hits and table.hit_policy != "COLLECT":
        raise ProcedureError(f"决策表 {decision_id} 没有匹配的规则，请检查输入数据。")
    return hits


def evaluate_collect(decision_id: str, inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a COLLECT table produces for ``inputs`` (each with ``rule_id`` where known)."""
    if importlib.util.find_spec("decisions.api") is not None:
        api = importlib.import_module("decisions.api")  # the platform engine, once installed

        if api.decision_exists(decision_id):
            result = api.evaluate(decision_id, inputs)
            outputs = result.outputs if isinstance(result.outputs, list) else [result.outputs]
            rule_ids = [m.get("rule_id", "") for m in result.matched]
            return [{**o, "rule_id": rid} for o, rid in zip(outputs, rule_ids + [""] * len(outputs), strict=False)]
    return _local_evaluate(decision_id, inputs)


def age_in_years(factory_date: date, today: date) -> float:
    """Completed service years since the factory date (出厂年限), to two decimals."""
    return round((today - factory_date).days / 365.25, 2)


REQUIRED_FILING_DOCUMENTS = {
    "manufacturing_licence": "特种设备制造许可证",
    "product_certificate": "产品合格证",
    "inspection_certificate": "制造监督检验证明",
    "invoice": "购销合同或发票",
}


def filing_disqualifiers(
    *,
    model_name: str,
    machine_type: str,
    rated_capacity: Decimal,
    factory_date: date,
    safety_devices_ok: bool,
    documents: dict[str, Any],
    today: date,
) -> list[dict[str, Any]]:
    """不予备案情形 for a filing application (table ``machinery_filing_disqualifiers``)."""
    facts = {
        "model_name": model_name.strip().upper(),
        "machine_type": machine_type,
        "rated_capacity": float(rated_capacity),
        "age_years": age_in_years(factory_date, today),
        "safety_devices_ok": bool(safety_devices_ok),
        "documents_complete": all(documents.get(k) for k in REQUIRED_FILING_DOCUMENTS),
    }
    return evaluate_collect("machinery_filing_disqualifiers", facts)
