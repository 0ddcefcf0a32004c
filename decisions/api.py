"""Public API of the decisions layer (contracts §3): evaluate DMN decision tables with explanations.

    from decisions import api
    result = api.evaluate("enterprises_suspension_scale", {"accident_level": "major", ...})
    result.outputs        # dict (single hit / aggregation) or list of dicts (COLLECT, RULE ORDER, OUTPUT ORDER)
    result.matched        # [{"rule_id": "...", "index": 3, "annotation": "..."}]
    result.explanation()  # one line in Chinese: 决策“…”：规则 3（…）→ 处理=撤回

No rule matching a single-hit table gives the default outputs, or :class:`DecisionNoMatch` when there are none;
a multi-hit table gives ``[]``. All errors derive from :class:`DecisionError` (``status_code`` 400/404).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .engine.errors import (
    DecisionError,
    DecisionInputError,
    DecisionLoadError,
    DecisionNoMatch,
    DecisionNotFound,
    FeelSyntaxError,
    HitPolicyViolation,
)
from .engine.evaluator import evaluate_table
from .engine.feel_values import describe
from .engine.model import DecisionTable
from .registry import Registry, default_registry, snapshot_registry

__all__ = [
    "DecisionError",
    "DecisionInputError",
    "DecisionLoadError",
    "DecisionNoMatch",
    "DecisionNotFound",
    "DecisionResult",
    "FeelSyntaxError",
    "HitPolicyViolation",
    "decision_exists",
    "evaluate",
    "get_table",
    "list_decisions",
]


@dataclass
class DecisionResult:
    """Outputs of one decision plus why (命中规则与说明)."""

    decision_id: str
    name: str
    version: str
    hit_policy: str
    outputs: Any
    matched: list[dict[str, Any]]
    used_default: bool = False
    required: dict[str, DecisionResult] = field(default_factory=dict)
    output_labels: dict[str, str] = field(default_factory=dict)

    def explanation(self) -> str:
        """One line in Chinese, e.g. ``决策“暂扣标准”：规则 3（发生较大事故）→ 处理=暂扣，天数=60``."""
        before = "".join(f"{r.explanation()}；" for r in self.required.values())
        return f"{before}决策“{self.name}”：{self._why()} → {self._shown_outputs()}"

    def _why(self) -> str:
        if self.used_default:
            return "无规则命中，采用默认输出"
        if not self.matched:
            return "无规则命中"
        parts = []
        for m in self.matched:
            note = f"（{m['annotation']}）" if m["annotation"] else ""
            parts.append(f"规则 {m['index']}{note}")
        return "命中" + "、".join(parts) if len(parts) > 1 else parts[0]

    def _shown_outputs(self) -> str:
        rows = self.outputs if isinstance(self.outputs, list) else [self.outputs]
        if not rows:
            return "无结果"
        shown = [
            "，".join(f"{self.output_labels.get(k, k)}={describe(v)}" for k, v in row.items()) for row in rows
        ]
        return "；".join(shown) if len(shown) == 1 else f"{len(shown)} 条结果：" + "；".join(shown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "name": self.name,
            "version": self.version,
            "hit_policy": self.hit_policy,
            "outputs": self.outputs,
            "matched_rules": self.matched,
            "used_default": self.used_default,
            "explanation": self.explanation(),
            "required": {k: v.as_dict() for k, v in self.required.items()},
        }


def _registry(registry: Registry | None) -> Registry:
    return registry if registry is not None else default_registry()


def get_table(decision_id: str, *, registry: Registry | None = None) -> DecisionTable:
    return _registry(registry).get(decision_id)


def decision_exists(decision_id: str, *, registry: Registry | None = None) -> bool:
    return _registry(registry).exists(decision_id)


def list_decisions(*, registry: Registry | None = None) -> list[DecisionTable]:
    """Every loaded table (``.id``, ``.name``, ``.version``, ``.hit_policy``, ``.file``, ``.findings`` …)."""
    return _registry(registry).all()


def evaluate(
    decision_id: str,
    inputs: dict[str, Any],
    *,
    registry: Registry | None = None,
    sources: Mapping[str, str] | None = None,
) -> DecisionResult:
    """Evaluate ``decision_id`` (and the decisions it requires) with ``inputs`` as the FEEL context.

    ``sources`` (``{file name: DMN XML}``, e.g. a published definition's ``dmn_files``) pins the table versions:
    decisions found there are evaluated from those texts, others from the registry.
    """
    reg = snapshot_registry(sources) if sources else _registry(registry)
    return _evaluate(reg, reg.get(decision_id), dict(inputs or {}), ())


def _evaluate(
    reg: Registry, table: DecisionTable, context: dict[str, Any], stack: tuple[str, ...]
) -> DecisionResult:
    if table.id in stack:
        raise DecisionError(f"决策 {table.id} 的依赖关系构成循环：{' → '.join((*stack, table.id))}")
    ctx = context
    required: dict[str, DecisionResult] = {}
    for req_id in table.required:
        req_table = reg.get(req_id)
        result = _evaluate(reg, req_table, context, (*stack, table.id))
        required[req_id] = result
        if ctx is context:
            ctx = dict(context)
        value = result.outputs
        if isinstance(value, dict) and len(value) == 1 and not req_table.is_multi:
            value = next(iter(value.values()))
        ctx[req_table.variable] = value
        ctx[req_id] = value
        if isinstance(result.outputs, dict):
            for key, item in result.outputs.items():
                ctx.setdefault(key, item)
    outcome = evaluate_table(table, ctx)
    return DecisionResult(
        decision_id=table.id,
        name=table.name,
        version=table.version,
        hit_policy=table.hit_policy + (f" {table.aggregation}" if table.aggregation else ""),
        outputs=outcome.outputs,
        matched=[r.ref() for r in outcome.matched],
        used_default=outcome.used_default,
        required=required,
        output_labels={o.name: o.title for o in table.outputs},
    )
