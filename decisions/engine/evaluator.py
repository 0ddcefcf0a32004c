"""Evaluate one compiled decision table under its hit policy (DMN 1.3 §8.2.11)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import DecisionNoMatch, HitPolicyViolation
from .feel_values import compare, describe, kind, to_python
from .matcher import first_index, indices
from .model import DecisionTable, Rule
from .types import coerce


@dataclass
class TableOutcome:
    outputs: Any  # dict (single hit, aggregation) or list of dicts (multi hit)
    matched: list[Rule]  # the rules behind the outputs, in output order
    used_default: bool = False
    values: list[Any] | None = None  # the input values as read (for explanations)


def input_values(table: DecisionTable, ctx: dict[str, Any]) -> list[Any]:
    return [coerce(inp.fn(ctx), inp.family, inp.title) for inp in table.inputs]


def evaluate_table(table: DecisionTable, ctx: dict[str, Any]) -> TableOutcome:
    values = input_values(table, ctx)
    assert table.matcher is not None
    mask = table.matcher.match(values, ctx)
    if not mask:
        return _no_match(table, ctx, values)
    if table.hit_policy == "FIRST":
        rule = table.rules[first_index(mask)]
        return TableOutcome(_python(_row(table, rule, ctx)), [rule], values=values)
    rules = [table.rules[i] for i in indices(mask)]
    rows = [_row(table, r, ctx) for r in rules]
    policy = table.hit_policy
    if policy == "UNIQUE":
        if len(rules) > 1:
            raise HitPolicyViolation(
                f"决策表“{table.name}”为唯一命中（UNIQUE），但同时命中了{_rule_list(rules)}，请修正决策表",
                rules=[r.index for r in rules],
            )
        return TableOutcome(_python(rows[0]), rules, values=values)
    if policy == "ANY":
        first = rows[0]
        disagreeing = [r for r, row in zip(rules, rows, strict=True) if not _same(row, first)]
        if disagreeing:
            raise HitPolicyViolation(
                f"决策表“{table.name}”为任一命中（ANY），但命中的{_rule_list(rules)}输出不一致，请修正决策表",
                rules=[r.index for r in rules],
            )
        return TableOutcome(_python(first), rules, values=values)
    if policy == "PRIORITY":
        best = min(range(len(rows)), key=lambda i: (_priority(table, rows[i]), i))
        return TableOutcome(_python(rows[best]), [rules[best]], values=values)
    if policy == "OUTPUT ORDER":
        order = sorted(range(len(rows)), key=lambda i: (_priority(table, rows[i]), i))
        return TableOutcome([_python(rows[i]) for i in order], [rules[i] for i in order], values=values)
    if table.aggregation:  # COLLECT with an aggregator
        return TableOutcome(_aggregate(table, rows), rules, values=values)
    return TableOutcome([_python(r) for r in rows], rules, values=values)  # COLLECT, RULE ORDER


def _row(table: DecisionTable, rule: Rule, ctx: dict[str, Any]) -> dict[str, Any]:
    return {out.name: fn(ctx) for out, fn in zip(table.outputs, rule.output_fns, strict=True)}


def _python(row: dict[str, Any]) -> dict[str, Any]:
    return {k: to_python(v) for k, v in row.items()}


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(kind(a[k]) == kind(b[k]) and a[k] == b[k] for k in a)


def _rule_list(rules: list[Rule]) -> str:
    return "规则 " + "、".join(str(r.index) for r in rules)


def _priority(table: DecisionTable, row: dict[str, Any]) -> tuple[int, ...]:
    """Position of each output value in its output's value list (earlier = higher priority)."""
    key = []
    for out in table.outputs:
        if out.allowed:
            value = row[out.name]
            position = next(
                (
                    i
                    for i, allowed in enumerate(out.allowed)
                    if kind(allowed) == kind(value) and allowed == value
                ),
                len(out.allowed),
            )
            key.append(position)
    return tuple(key)


def _aggregate(table: DecisionTable, rows: list[dict[str, Any]]) -> dict[str, Any]:
    out = table.outputs[0]
    values = [row[out.name] for row in rows if row[out.name] is not None]
    if table.aggregation == "COUNT":
        return {out.name: len(rows)}
    if not values:
        return {out.name: None}
    if table.aggregation == "SUM":
        if any(kind(v) != "number" for v in values):
            raise HitPolicyViolation(f"决策表“{table.name}”按 SUM 汇总，但输出中有非数值")
        return {out.name: to_python(sum(values, start=0))}
    op = "<" if table.aggregation == "MIN" else ">"
    best = values[0]
    for value in values[1:]:
        result = compare(op, value, best)
        if result is None:
            raise HitPolicyViolation(
                f"决策表“{table.name}”按 {table.aggregation} 汇总，但输出之间无法比较大小"
            )
        if result:
            best = value
    return {out.name: to_python(best)}


def _no_match(table: DecisionTable, ctx: dict[str, Any], values: list[Any]) -> TableOutcome:
    if table.aggregation == "COUNT":
        return TableOutcome({table.outputs[0].name: 0}, [], values=values)
    if table.has_defaults:
        row = _python({o.name: (o.default_fn(ctx) if o.default_fn else None) for o in table.outputs})
        return TableOutcome([row] if table.is_multi else row, [], used_default=True, values=values)
    if table.is_multi:
        return TableOutcome([], [], values=values)
    if table.aggregation:
        return TableOutcome({table.outputs[0].name: None}, [], values=values)
    shown = "，".join(f"{i.title}={describe(v)}" for i, v in zip(table.inputs, values, strict=True))
    raise DecisionNoMatch(
        f"决策表“{table.name}”没有规则与输入匹配（{shown}），且未设置默认输出，请核对输入或补充规则",
        decision_id=table.id,
    )
