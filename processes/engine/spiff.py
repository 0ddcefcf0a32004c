"""Our SpiffWorkflow dialect: the restricted script engine, service and business-rule task specs, the parser that
produces them and the serializer that stores instance state without the (immutable) specs.

Nothing outside ``processes.engine`` imports this module.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
from collections import ChainMap
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser, ServiceTaskParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import ServiceTaskConverter, SpiffBpmnTaskConverter
from SpiffWorkflow.spiff.specs.defaults import ServiceTask as SpiffServiceTask
from SpiffWorkflow.spiff.specs.spiff_task import SpiffBpmnTask

from . import expressions, registry

__all__ = ["SERIALIZER_VERSION"]


# -- the run context: who is driving the engine right now -------------------------------------------------
@dataclass
class RunContext:
    instance: Any
    acting_user: Any = None
    subject: Any = None
    notes: dict[str, Any] = field(default_factory=dict)


_RUN: ContextVar[RunContext | None] = ContextVar("processes_engine_run", default=None)


def current_run() -> RunContext:
    run = _RUN.get()
    if run is None:
        raise RuntimeError("engine steps must run through processes.engine")
    return run


class running:
    """``with running(ctx): ...`` makes ``ctx`` the current run for service and decision tasks."""

    def __init__(self, context: RunContext):
        self.context = context

    def __enter__(self) -> RunContext:
        self.token = _RUN.set(self.context)
        return self.context

    def __exit__(self, *exc: object) -> None:
        _RUN.reset(self.token)


def event_parts(task_spec: Any) -> list[Any]:
    """The event definitions a task spec catches (an event-based gateway holds several)."""
    definition = getattr(task_spec, "event_definition", None)
    if definition is None:
        return []
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition]


def event_part(task_spec: Any, kind: type) -> Any | None:
    return next((d for d in event_parts(task_spec) if isinstance(d, kind)), None)


# -- restricted script engine -----------------------------------------------------------------------------
class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates with :mod:`processes.engine.expressions` instead of ``eval``/``exec``."""

    def evaluate(self, expression, context, external_context=None):
        scope = ChainMap(external_context, context) if external_context else context
        return expressions.evaluate(expression, scope)

    def execute(self, script, context, external_context=None):
        expressions.execute(script, context)
        return True

    def call_service(self, context, **kwargs):
        raise NotImplementedError("service tasks call the registry directly")


class RestrictedScriptEngine(PythonScriptEngine):
    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression):
        expressions.parse_expression(expression)

    def evaluate(self, task, expression, external_context=None):
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except expressions.ExpressionError as exc:
            raise WorkflowTaskException(f"表达式 {expression!r} 出错：{exc.message}", task=task, exception=exc)
        if event_part(task.task_spec, TimerEventDefinition) is not None:
            value = _timer_value(value)
        return value

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context)
        except expressions.ExpressionError as exc:
            raise WorkflowTaskException(
                f"脚本出错：{exc.message}", task=task, exception=exc, line_number=exc.line
            )


def _timer_value(value: Any) -> Any:
    """Timer expressions: dates and naive ISO datetimes are local (Asia/Shanghai) time, not the server's."""
    if isinstance(value, dt.date):
        return _timer_moment(value)
    if isinstance(value, str) and value[:1].upper() not in ("P", "R"):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value
        return _timer_moment(moment)
    return value


def _timer_moment(value: dt.date) -> str:
    """A date from a timer expression fires at local midnight that day; datetimes as given."""
    if not isinstance(value, dt.datetime):
        value = timezone.make_aware(dt.datetime.combine(value, dt.time()))
    elif timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.isoformat()


SCRIPT_ENGINE = RestrictedScriptEngine()


# -- task specs -------------------------------------------------------------------------------------------
class RegisteredServiceTask(SpiffServiceTask):
    """A service task that calls a function from :mod:`processes.engine.registry`."""

    def __init__(self, wf_spec, name, operation_name, operation_params, result_variable, **kwargs):
        super().__init__(wf_spec, name, operation_name, operation_params, result_variable, **kwargs)
        self.result_variable = result_variable or None  # None: merge a dict result into the variables

    def _execute(self, task):
        function = registry.get(self.operation_name)
        if function is None:
            raise WorkflowTaskException(f"服务 {self.operation_name} 未注册", task=task)
        run = current_run()
        params = {
            name: task.workflow.script_engine.evaluate(task, param["value"])
            for name, param in self.operation_params.items()
        }
        context = registry.ServiceContext(
            instance=run.instance,
            subject=run.subject,
            variables=copy.deepcopy(task.data),
            params=params,
            acting_user=run.acting_user,
            element_id=self.bpmn_id,
        )
        with transaction.atomic():  # a failing service leaves none of its writes behind
            result = function(context)
        if result is None:
            return True
        if self.result_variable:
            task.data[self.result_variable] = result
        elif isinstance(result, dict):
            task.data.update(result)
        else:
            raise WorkflowTaskException(
                f"服务 {self.operation_name} 返回的不是字典，且未设置 resultVariable", task=task
            )
        return True


class DecisionTask(SpiffBpmnTask):
    """A business-rule task evaluated by our DMN engine (``decisions.api.evaluate``)."""

    def __init__(self, wf_spec, name, decision_id=None, result_variable=None, **kwargs):
        super().__init__(wf_spec, name, **kwargs)
        self.decision_id = decision_id
        self.result_variable = result_variable

    def _run_hook(self, my_task):
        # Evaluate the tables as published with the instance's definition: a running instance stays on its version.
        run = _RUN.get()
        definition = getattr(getattr(run, "instance", None), "definition", None)
        sources = getattr(definition, "dmn_files", None) or None
        result = decisions_api().evaluate(self.decision_id, expressions_safe(my_task.data), sources=sources)
        outputs = result.outputs
        if self.result_variable or not isinstance(outputs, dict):
            my_task.data[self.result_variable or self.decision_id] = outputs
        else:
            my_task.data.update(outputs)
        my_task.internal_data["decision"] = {
            "decision_id": self.decision_id,
            "matched": list(result.matched),
            "explanation": result.explanation(),
            "outputs": outputs,
        }
        return super()._run_hook(my_task)


def decisions_api() -> Any:
    """``decisions.api`` (contracts §3), imported when first needed."""
    return importlib.import_module("decisions.api")


def expressions_safe(data: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(data)


class DecisionTaskParser(BusinessRuleTaskParser):
    def create_task(self):
        extensions = self.parse_extensions()
        decision_id = extensions.get("calledDecisionId")
        if not decision_id:
            raise ValidationException(
                "业务规则任务缺少 spiffworkflow:calledDecisionId", node=self.node, file_name=self.filename
            )
        return DecisionTask(
            self.spec,
            self.bpmn_id,
            decision_id=decision_id.strip(),
            result_variable=extensions.get("properties", {}).get("resultVariable"),
            prescript=extensions.get("preScript"),
            postscript=extensions.get("postScript"),
            **self.bpmn_attributes,
        )


class EngineParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ServiceTaskParser, RegisteredServiceTask),
        full_tag("businessRuleTask"): (DecisionTaskParser, DecisionTask),
    }


# -- serializer -------------------------------------------------------------------------------------------
class DecisionTaskConverter(SpiffBpmnTaskConverter):
    def to_dict(self, spec):
        dct = super().to_dict(spec)
        dct["decision_id"] = spec.decision_id
        dct["result_variable"] = spec.result_variable
        return dct


class StateWorkflowConverter(BpmnWorkflowConverter):
    """Serializes a workflow's state only; its specs come from the immutable definition."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        if spec is None:
            return super().from_dict(dct)
        workflow = self.target_class(spec, subprocess_specs, script_engine=SCRIPT_ENGINE, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_serializer() -> tuple[BpmnWorkflowSerializer, StateWorkflowConverter]:
    config = dict(SPIFF_CONFIG)
    config[RegisteredServiceTask] = ServiceTaskConverter
    config[DecisionTask] = DecisionTaskConverter
    reg = BpmnWorkflowSerializer.configure(config)
    reg.register(dt.date, lambda v: {"value": v.isoformat()}, lambda v: dt.date.fromisoformat(v["value"]))
    converter = StateWorkflowConverter(BpmnWorkflow, reg)
    return BpmnWorkflowSerializer(reg), converter


SERIALIZER, _STATE_CONVERTER = _build_serializer()


def dump_state(workflow: BpmnWorkflow) -> str:
    """The workflow's state as JSON (no specs), in the serializer's current format."""
    registry_ = SERIALIZER.registry
    registry_._encoder_mode = True  # nested values are converted lazily by the encoder (Spiff's fast path)
    try:
        return json.dumps(registry_.convert(workflow), cls=SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        registry_._encoder_mode = False


def load_state(state: str, version: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Restore a workflow saved by :func:`dump_state` onto its definition's specs."""
    dct = json.loads(state)
    if version and version != SERIALIZER_VERSION:
        # An older serializer format: re-attach the specs so Spiff's migrations see a full document.
        dct["spec"] = SERIALIZER.registry.convert(spec)
        dct["subprocess_specs"] = {k: SERIALIZER.registry.convert(v) for k, v in subprocess_specs.items()}
        dct[SERIALIZER.VERSION_KEY] = version
        SERIALIZER.migrate(dct)
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
    dct.pop("typename", None)
    return _STATE_CONVERTER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)


def new_workflow(spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    return BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)
