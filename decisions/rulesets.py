"""Condition→action rule sets (预警规则集): wage arrears, concrete strength, SLA escalations.

Rules are JSON that an administrator edits (:class:`decisions.models.RuleSet`), validated on save::

    {"variables": {"arrears_amount": "numeric", "rectified": "boolean", "category": "string"},
     "rules": [{"id": "big_arrears", "name": "欠薪金额较大",
                "conditions": {"all": [{"name": "arrears_amount", "operator": "greater_than", "value": 100000},
                                       {"name": "rectified", "operator": "is_false", "value": null}]},
                "actions": [{"name": "warn", "params": {"level": "red", "message": "欠薪超过10万元且未整改"}}]}]}

``run(key, facts)`` returns the actions of every rule whose conditions hold, in rule order. The conditions are
evaluated by the ``business-rules`` package behind :mod:`decisions.rulesets_backend` (replaceable: nothing else
imports it). Variable types: numeric, string, boolean, list; actions: see :data:`ACTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .rulesets_backend import TYPES, fire, operators_for

ACTIONS: dict[str, dict[str, str]] = {
    # action: {param: kind}; kinds: text | level | role
    "warn": {"level": "level", "message": "text"},
    "escalate": {"role": "role", "message": "text"},
    "flag": {"code": "text", "message": "text"},
}
BLOCKED_OPERATORS = frozenset({"matches_regex"})  # an administrator's regular expression could hang a worker
LEVELS = ("blue", "yellow", "orange", "red")
ACTION_LABELS = {"warn": "预警", "escalate": "升级督办", "flag": "标记"}


class RuleSetError(Exception):
    """A rule set that cannot be saved or run; ``message`` says what to fix (in Chinese)."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Action:
    """One action a rule fired: ``name`` (warn | escalate | flag), ``params``, and the rule behind it."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    rule_id: str = ""
    rule_name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.name,
            "params": self.params,
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
        }


def _fail(where: str, message: str) -> None:
    raise RuleSetError(f"{where}：{message}" if where else message)


def validate_rules(key: str, document: Any) -> None:
    """Check a rule-set document; the first problem is raised as :class:`RuleSetError` naming the rule."""
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        _fail(key, '规则集应为 {"variables": {...}, "rules": [...]} 形式的 JSON')
    variables = document.get("variables") or {}
    if not isinstance(variables, dict):
        _fail(key, "variables 应为 {变量名: 类型} 的对象")
    for name, type_name in variables.items():
        if type_name not in TYPES:
            _fail(key, f"变量 {name} 的类型 {type_name} 不支持（可用 {'、'.join(TYPES)}）")
    seen: set[str] = set()
    for n, rule in enumerate(document["rules"], 1):
        where = f"规则 {n}"
        if not isinstance(rule, dict):
            _fail(where, "应为对象")
        rule_id = str(rule.get("id") or "")
        if not rule_id or rule_id in seen:
            _fail(where, "缺少 id 或 id 重复")
        seen.add(rule_id)
        where = f"规则 {n}（{rule_id}）"
        _check_conditions(rule.get("conditions"), variables, where)
        actions = rule.get("actions")
        if not isinstance(actions, list) or not actions:
            _fail(where, "至少需要一个动作（actions）")
        for action in actions:
            _check_action(action, where)


def _check_conditions(node: Any, variables: dict[str, str], where: str) -> None:
    if not isinstance(node, dict) or not node:
        _fail(where, "条件（conditions）应为对象")
    if set(node) in ({"all"}, {"any"}):
        items = next(iter(node.values()))
        if not isinstance(items, list) or not items:
            _fail(where, "all/any 下至少需要一个条件")
        for item in items:
            _check_conditions(item, variables, where)
        return
    name, operator, value = node.get("name"), node.get("operator"), node.get("value")
    if name not in variables:
        _fail(where, f"条件引用了未声明的变量 {name}")
    ops = {k: v for k, v in operators_for(variables[name]).items() if k not in BLOCKED_OPERATORS}
    if operator not in ops:
        _fail(
            where, f"变量 {name}（{variables[name]}）不支持运算符 {operator}，可用：{'、'.join(sorted(ops))}"
        )
    wanted = ops[operator]
    ok = {
        "numeric": isinstance(value, int | float) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "none": True,
        "list": isinstance(value, list),
    }.get(wanted, True)
    if not ok:
        _fail(
            where,
            f"条件 {name} {operator} 的比较值应为{ {'numeric': '数值', 'string': '文本', 'list': '列表'}[wanted] }",
        )


def _check_action(action: Any, where: str) -> None:
    if not isinstance(action, dict) or action.get("name") not in ACTIONS:
        _fail(where, f"动作应为 {'、'.join(ACTIONS)} 之一")
    spec = ACTIONS[action["name"]]
    params = action.get("params") or {}
    if not isinstance(params, dict) or set(params) - set(spec):
        _fail(where, f"动作 {action['name']} 只接受参数 {'、'.join(spec)}")
    for param, kind in spec.items():
        value = params.get(param)
        if not isinstance(value, str) or not value.strip():
            _fail(where, f"动作 {action['name']} 缺少参数 {param}")
        if kind == "level" and value not in LEVELS:
            _fail(where, f"预警等级应为 {'、'.join(LEVELS)} 之一")


def evaluate(document: dict[str, Any], facts: dict[str, Any]) -> list[Action]:
    """Run a validated document against ``facts``; a fact of the wrong type → :class:`RuleSetError`."""
    variables: dict[str, str] = document.get("variables") or {}
    fired: list[Action] = []
    for rule in document["rules"]:
        try:
            actions = fire(rule, facts, variables)
        except AssertionError as exc:
            raise RuleSetError(f"规则 {rule.get('id')}：事实数据缺失或类型不符（{exc}），请检查输入") from exc
        fired += [
            Action(name, dict(params), str(rule["id"]), str(rule.get("name", ""))) for name, params in actions
        ]
    return fired


def run(ruleset_key: str, facts: dict[str, Any]) -> list[Action]:
    """Actions fired by the active rule set ``ruleset_key`` for ``facts`` (contracts §3)."""
    from .models import RuleSet

    ruleset = RuleSet.objects.filter(key=ruleset_key, active=True).first()
    if ruleset is None:
        raise RuleSetError(f"预警规则集 {ruleset_key} 不存在或未启用")
    return evaluate(ruleset.document(), facts)
