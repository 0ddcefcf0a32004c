"""The test form of a decision table: one field per variable the table (and the decisions it requires) reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from decisions import api
from decisions.engine.feel_ast import Lit, Name, Path, names_in
from decisions.engine.model import DecisionTable
from decisions.engine.segments import literal_values

FAMILY_LABELS = {
    "number": "数值",
    "string": "文本",
    "boolean": "是/否",
    "date": "日期",
    "datetime": "日期时间",
    "any": "任意",
}


@dataclass
class Field:
    name: str  # dotted path into the inputs (applicant.age)
    label: str
    family: str
    choices: list[str] = field(default_factory=list)  # allowed values (select)
    suggestions: list[str] = field(default_factory=list)  # values the rules mention (datalist)
    value: str = ""

    @property
    def family_label(self) -> str:
        return FAMILY_LABELS.get(self.family, self.family)

    @property
    def html_id(self) -> str:
        return "in-" + self.name.replace(".", "-")


def _dotted(expr: Any) -> str | None:
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Path):
        base = _dotted(expr.base)
        return f"{base}.{expr.attr}" if base else None
    return None


def _strings(values: list[Any] | None) -> list[str]:
    return sorted({v for v in values or [] if isinstance(v, str)})


def fields_for(table: DecisionTable, *, _seen: set[str] | None = None) -> list[Field]:
    seen = _seen if _seen is not None else set()
    produced: set[str] = set()
    out: list[Field] = []
    for req in table.required:
        if api.decision_exists(req):
            req_table = api.get_table(req)
            out += fields_for(req_table, _seen=seen)
            produced |= {req, req_table.variable, *(o.name for o in req_table.outputs)}
    for c, inp in enumerate(table.inputs):
        dotted = _dotted(inp.expr)
        names = [dotted] if dotted else sorted(names_in(inp.expr))
        for name in names:
            if name in seen or name.split(".")[0] in produced:
                continue
            seen.add(name)
            allowed = literal_values(inp.allowed) if inp.allowed else None
            mentioned = [v for r in table.rules for v in (literal_values(r.tests[c]) or [])]
            out.append(
                Field(
                    name=name,
                    label=inp.title if dotted else name,
                    family=inp.family if dotted else "any",
                    choices=_strings(allowed) if not isinstance(inp.expr, Lit) else [],
                    suggestions=_strings(mentioned),
                )
            )
    return out


def parse_inputs(fields: list[Field], data: Any) -> dict[str, Any]:
    """Form strings → an inputs dict (empty → null; booleans from 是/否; the engine reads the rest by type)."""
    inputs: dict[str, Any] = {}
    for f in fields:
        raw = (data.get(f.name) or "").strip()
        f.value = raw
        value: Any = None if raw == "" else raw
        if f.family == "boolean" and raw:
            value = raw == "true"
        target = inputs
        *parents, leaf = f.name.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return inputs
