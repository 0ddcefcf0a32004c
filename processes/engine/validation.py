"""Publish-time checks (发布校验): a broken model is refused before any instance can meet it.

Each check returns :class:`Problem` rows naming the file, the BPMN element id and the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.specs.MultiChoice import MultiChoice

from domain.organisations.roles import ENTERPRISE_ROLES, Role

from . import expressions, registry
from .definitions import Bundle, Problem
from .spiff import DecisionTask, EngineParser, RegisteredServiceTask, decisions_api, event_part

LANE_ROLES = frozenset(r.value for r in Role) | {"initiator"}
# roles a task may offer within another party's organisation (candidateOrganisation)
PARTY_ROLES = frozenset(r.value for r in ENTERPRISE_ROLES) | {"initiator", Role.APPLICANT.value}
_VARIABLE = re.compile(r"^\{\s*\w+\s*\}$")


def validate_specs(bundle: Bundle, parser: EngineParser, processes: list[tuple[str, str, Any, dict]]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[int] = set()
    for _key, _name, spec, subprocess_specs in processes:
        for process_spec in (spec, *subprocess_specs.values()):
            if process_spec is None or id(process_spec) in seen:
                continue
            seen.add(id(process_spec))
            file_name = getattr(process_spec, "file", "") or ""
            for task_spec in process_spec.task_specs.values():
                if getattr(task_spec, "bpmn_id", None) is None and not isinstance(task_spec, MultiChoice):
                    continue
                for check in CHECKS:
                    problems.extend(check(bundle, _file_of(file_name), task_spec))
    return problems


def _file_of(path: str) -> str:
    return path.rsplit("/", 1)[-1] if path else ""


def _element(task_spec: Any) -> str:
    return getattr(task_spec, "bpmn_id", None) or task_spec.name


def check_service(bundle: Bundle, file_name: str, task_spec: Any) -> Iterator[Problem]:
    if isinstance(task_spec, RegisteredServiceTask) and not registry.is_registered(task_spec.operation_name):
        yield Problem(file_name, _element(task_spec), f"服务任务引用的服务 {task_spec.operation_name} 未注册")


def check_decision(bundle: Bundle, file_name: str, task_spec: Any) -> Iterator[Problem]:
    if not isinstance(task_spec, DecisionTask):
        return
    try:
        api = decisions_api()
    except ImportError:
        yield Problem(file_name, _element(task_spec), "决策引擎（decisions.api）不可用，无法校验业务规则任务")
        return
    if not api.decision_exists(task_spec.decision_id):
        yield Problem(file_name, _element(task_spec), f"业务规则任务引用的决策表 {task_spec.decision_id} 不存在")


def check_form(bundle: Bundle, file_name: str, task_spec: Any) -> Iterator[Problem]:
    if not isinstance(task_spec, UserTask):
        return
    properties = _properties(task_spec)
    form_name = properties.get("formJsonSchemaFilename")
    if not form_name:
        yield Problem(file_name, _element(task_spec), "用户任务缺少表单（formJsonSchemaFilename）")
        return
    for prop in ("formJsonSchemaFilename", "formUiSchemaFilename"):
        name = properties.get(prop)
        if not name:
            continue
        if name not in bundle.forms:
            yield Problem(file_name, _element(task_spec), f"表单文件 {name} 不存在")
        elif bundle.forms[name] is None or not isinstance(bundle.forms[name], dict):
            yield Problem(file_name, _element(task_spec), f"表单文件 {name} 不是有效的 JSON 对象")
        elif prop == "formJsonSchemaFilename":
            schema = bundle.forms[name]
            try:
                jsonschema.validators.validator_for(schema).check_schema(schema)
            except jsonschema.SchemaError as exc:
                yield Problem(file_name, _element(task_spec), f"表单 {name} 不是有效的 JSON Schema：{exc.message}")


def check_expressions(bundle: Bundle, file_name: str, task_spec: Any) -> Iterator[Problem]:
    for kind, source, is_script in _expressions_of(task_spec):
        try:
            if is_script:
                expressions.parse_script(source)
            else:
                expressions.parse_expression(source)
        except expressions.ExpressionError as exc:
            yield Problem(file_name, _element(task_spec), f"{kind}无法解析：{exc.message}")


def _expressions_of(task_spec: Any) -> Iterator[tuple[str, str, bool]]:
    if isinstance(task_spec, MultiChoice):
        for condition, _target in task_spec.cond_task_specs:
            if condition is not None:
                yield "网关条件", str(condition.args[0]), False
    if isinstance(task_spec, ScriptTask) and task_spec.script:
        yield "脚本", task_spec.script, True
    for attr, kind in (("prescript", "前置脚本"), ("postscript", "后置脚本")):
        source = getattr(task_spec, attr, None)
        if source:
            yield kind, source, True
    if isinstance(task_spec, RegisteredServiceTask):
        for name, param in task_spec.operation_params.items():
            yield f"服务参数 {name} ", str(param["value"]), False
    timer = event_part(task_spec, TimerEventDefinition)
    if timer is not None:
        yield "定时器表达式", timer.expression, False
    if event_part(task_spec, MessageEventDefinition) is not None:
        key = _properties(task_spec).get("correlationKey")
        if key:
            yield "消息关联键", key, False
    condition = getattr(task_spec, "condition", None)
    if isinstance(condition, str):
        yield "循环条件", condition, False


def check_lane(bundle: Bundle, file_name: str, task_spec: Any) -> Iterator[Problem]:
    lane = getattr(task_spec, "lane", None)
    if lane is not None and lane not in LANE_ROLES:
        yield Problem(file_name, _element(task_spec), f"泳道 {lane} 不是已知角色代码")
    if isinstance(task_spec, UserTask):
        properties = _properties(task_spec)
        if lane is None and not (properties.get("candidateGroups") or properties.get("assignee")):
            yield Problem(file_name, _element(task_spec), "用户任务既不在泳道中，也没有 candidateGroups/assignee")
        groups = [g.strip() for g in properties.get("candidateGroups", "").split(",") if g.strip()]
        for group in groups:
            if group not in LANE_ROLES:
                yield Problem(file_name, _element(task_spec), f"candidateGroups 中的 {group} 不是已知角色代码")
        party = (properties.get("candidateOrganisation") or "").strip()
        if party:
            if not _VARIABLE.match(party):
                yield Problem(file_name, _element(task_spec), f"candidateOrganisation 须为 {{变量名}} 形式，而不是 {party}")
            for group in groups or ([lane] if lane else []):
                if group not in PARTY_ROLES:
                    yield Problem(
                        file_name, _element(task_spec),
                        f"candidateOrganisation 只能用于企业角色的任务，{group} 不是企业角色",
                    )


def _properties(task_spec: Any) -> dict[str, str]:
    return dict(getattr(task_spec, "extensions", {}).get("properties", {}) or {})


CHECKS = (check_service, check_decision, check_form, check_expressions, check_lane)
