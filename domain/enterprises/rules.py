"""Decisions of this context, read from the DMN tables in ``decisions/tables/enterprises/``.

Evaluated by the platform DMN engine (``decisions.api.evaluate``). Until that layer is installed, a small reader
of the same files evaluates the FEEL unary tests these tables use (``-``, literals, ``< <= > >=``) so the tables
themselves stay the single source of the rules.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from domain.errors import ProcedureError

TABLES = Path(__file__).resolve().parents[2] / "decisions" / "tables" / "enterprises"
NS = {"d": "https://www.omg.org/spec/DMN/20191111/MODEL/"}


@dataclass(frozen=True)
class _Table:
    hit_policy: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    rules: tuple[
        tuple[str, tuple[str, ...], tuple[str, ...]], ...
    ]  # (rule id, input entries, output entries)


def _literal(text: str) -> Any:
    text = text.strip()
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    number = float(text)
    return int(number) if number.is_integer() else number


@cache
def _tables() -> dict[str, _Table]:
    tables: dict[str, _Table] = {}
    for path in sorted(TABLES.glob("*.dmn")):
        root = etree.parse(str(path)).getroot()  # noqa: S320 - our own repository files
        for decision in root.findall("d:decision", NS):
            dt = decision.find("d:decisionTable", NS)
            tables[decision.get("id")] = _Table(
                hit_policy=dt.get("hitPolicy", "UNIQUE"),
                inputs=tuple(
                    e.findtext("d:inputExpression/d:text", namespaces=NS) for e in dt.findall("d:input", NS)
                ),
                outputs=tuple(o.get("name") for o in dt.findall("d:output", NS)),
                rules=tuple(
                    (
                        r.get("id"),
                        tuple(e.findtext("d:text", namespaces=NS) for e in r.findall("d:inputEntry", NS)),
                        tuple(e.findtext("d:text", namespaces=NS) for e in r.findall("d:outputEntry", NS)),
                    )
                    for r in dt.findall("d:rule", NS)
                ),
            )
    return tables


def _matches(test: str, value: Any) -> bool:
    test = test.strip()
    if test in ("-", ""):
        return True
    for op in (">=", "<=", ">", "<"):
        if test.startswith(op):
            bound = _literal(test[len(op) :])
            if value is None:
                return False
            return {">=": value >= bound, "<=": value <= bound, ">": value > bound, "<": value < bound}[op]
    return bool(value == _literal(test))


def _local_evaluate(decision_id: str, inputs: dict[str, Any]) -> dict[str, Any] | list[dict[str, Any]]:
    table = _tables()[decision_id]
    hits = []
    for rule_id, entries, outs in table.rules:
        if all(_matches(t, inputs.get(name)) for name, t in zip(table.inputs, entries, strict=True)):
            row = {name: _literal(o) for name, o in zip(table.outputs, outs, strict=True)}
            row["_rule"] = rule_id
            hits.append(row)
            if table.hit_policy == "FIRST":
                return row
    if table.hit_policy == "COLLECT":
        return hits
    raise ProcedureError(f"决策表 {decision_id} 没有匹配的规则，请检查输入数据。")


def evaluate(decision_id: str, inputs: dict[str, Any]) -> Any:
    """Outputs of ``decision_id`` for ``inputs`` (a dict for FIRST, a list of dicts for COLLECT)."""
    if importlib.util.find_spec("decisions.api") is not None:
        api: Any = importlib.import_module("decisions.api")  # the platform engine, once installed

        if api.decision_exists(decision_id):
            try:
                return api.evaluate(decision_id, inputs).outputs
            except Exception as exc:
                if type(exc).__name__ == "DecisionNoMatch":
                    raise ProcedureError(f"决策表 {decision_id} 没有匹配的规则，请检查输入数据。") from exc
                raise
    return _local_evaluate(decision_id, inputs)


def decision_ids() -> list[str]:
    return sorted(_tables())
