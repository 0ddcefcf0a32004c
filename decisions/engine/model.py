"""A loaded decision table (决策表): inputs, outputs, rules, compiled closures and verifier findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .feel_ast import Expr, UnaryTests
from .feel_compile import ExprFn, TestFn

if TYPE_CHECKING:
    from .matcher import Matcher

SINGLE_HIT = frozenset({"UNIQUE", "FIRST", "PRIORITY", "ANY"})
MULTI_HIT = frozenset({"COLLECT", "RULE ORDER", "OUTPUT ORDER"})
HIT_POLICIES = SINGLE_HIT | MULTI_HIT
AGGREGATIONS = frozenset({"SUM", "MIN", "MAX", "COUNT"})
HIT_POLICY_LABELS = {
    "UNIQUE": "唯一（U）",
    "FIRST": "首条命中（F）",
    "PRIORITY": "优先级（P）",
    "ANY": "任一（A）",
    "COLLECT": "汇集（C）",
    "RULE ORDER": "规则顺序（R）",
    "OUTPUT ORDER": "输出顺序（O）",
}
AGGREGATION_SIGNS = {"SUM": "+", "MIN": "<", "MAX": ">", "COUNT": "#"}


@dataclass
class Input:
    id: str
    label: str
    text: str  # the FEEL input expression
    type_ref: str
    family: str
    expr: Expr
    fn: ExprFn
    allowed: UnaryTests | None = None  # inputValues

    @property
    def title(self) -> str:
        return self.label or self.text


@dataclass
class Output:
    id: str
    name: str
    label: str
    type_ref: str
    family: str
    allowed: tuple[Any, ...] = ()  # outputValues (literal values, in priority order)
    allowed_text: str = ""
    default_text: str = ""
    default_fn: ExprFn | None = None

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass
class Rule:
    id: str
    index: int  # 1-based, as people count rows
    annotation: str
    input_texts: list[str]
    tests: list[UnaryTests]
    test_fns: list[TestFn]
    output_texts: list[str]
    output_exprs: list[Expr]
    output_fns: list[ExprFn]

    def ref(self) -> dict[str, Any]:
        return {"rule_id": self.id, "index": self.index, "annotation": self.annotation}

    @property
    def label(self) -> str:
        return f"规则 {self.index}（{self.id}）"


@dataclass
class Finding:
    """A verifier finding (校验发现); ``rules`` are 1-based rule numbers."""

    kind: str  # overlap | gap | unreachable | type_mismatch | unknown_input | priority_value
    severity: str  # error | warning
    message: str
    rules: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "severity": self.severity, "message": self.message, "rules": self.rules}


@dataclass
class DecisionTable:
    id: str
    name: str
    hit_policy: str
    aggregation: str
    inputs: list[Input]
    outputs: list[Output]
    rules: list[Rule]
    file: str = ""
    version: str = ""
    variable: str = ""  # the name other decisions read this one's result by
    required: list[str] = field(default_factory=list)
    complete: bool = False
    description: str = ""
    findings: list[Finding] = field(default_factory=list)
    matcher: Matcher | None = None

    @property
    def is_multi(self) -> bool:
        return self.hit_policy in MULTI_HIT and not self.aggregation

    @property
    def hit_policy_label(self) -> str:
        label = HIT_POLICY_LABELS.get(self.hit_policy, self.hit_policy)
        if self.aggregation:
            label = f"{label[:-1]}{AGGREGATION_SIGNS[self.aggregation]}）"
        return label

    @property
    def has_defaults(self) -> bool:
        return any(o.default_fn is not None for o in self.outputs)

    def input_names(self) -> list[str]:
        """Variables callers should supply (the names the input expressions read)."""
        from .feel_ast import names_in

        names: list[str] = []
        for inp in self.inputs:
            for name in sorted(names_in(inp.expr)):
                if name not in names:
                    names.append(name)
        return names
