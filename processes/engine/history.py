"""History (办理记录): one row per completed BPMN element, and the diagram state of an instance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.specs.MultiChoice import MultiChoice
from SpiffWorkflow.util.task import TaskState

from domain.db import insert_rows
from processes.models import ProcessHistory, ProcessInstance
from security import audit

from . import pii
from .spiff import DecisionTask, RegisteredServiceTask

ELEMENT_TYPES = {"RegisteredServiceTask": "ServiceTask", "DecisionTask": "BusinessRuleTask"}


def element_type(task_spec: Any) -> str:
    name = task_spec.__class__.__name__
    return ELEMENT_TYPES.get(name, name)


def _describe(task: Any, actor_data: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    from .session import json_safe

    spec = task.task_spec
    if isinstance(spec, DecisionTask):
        decision = task.internal_data.get("decision", {})
        return decision.get("explanation", "")[:500], json_safe(decision)
    if isinstance(spec, UserTask):
        return "已办理", {"data": json_safe(actor_data or {})}
    if isinstance(spec, MultiChoice):
        chosen = [c.task_spec for c in task.children if c.state & TaskState.DEFINITE_MASK
                  or c.state & TaskState.FINISHED_MASK]
        taken = [s.bpmn_id or s.name for s in chosen]
        # the outcome is read by people (the case's 办理记录): the names of the steps taken; the ids stay in details
        return "→ " + "、".join(getattr(s, "bpmn_name", None) or s.bpmn_id or s.name for s in chosen), {"taken": taken}
    if isinstance(spec, RegisteredServiceTask):
        return spec.operation_name, {"service": spec.operation_name}
    event_definition = getattr(spec, "event_definition", None)
    if event_definition is not None and getattr(event_definition, "name", None):
        return str(event_definition.name), {"event": event_definition.__class__.__name__}
    return "", {}


def append(
    instance: ProcessInstance,
    completed: list[Any],
    actors: dict[Any, tuple[Any, Any, dict[str, Any]]],
    now: dt.datetime,
) -> None:
    rows = []
    personal = pii.masked_names(instance.definition)
    for task in sorted(completed, key=lambda t: t.last_state_change):
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) is None:
            continue  # Spiff's internal tasks (root, end join, boundary splits) are not on the diagram
        actor, on_behalf_of, data = actors.get(task.id, (None, None, None))
        outcome, details = _describe(task, data)
        details = pii.redact(details, personal)
        rows.append(
            ProcessHistory(
                instance=instance,
                element_id=spec.bpmn_id,
                element_name=(spec.bpmn_name or "")[:200],
                element_type=element_type(spec),
                task_id=str(task.id),
                actor=actor,
                on_behalf_of=on_behalf_of,
                completed_at=dt.datetime.fromtimestamp(task.last_state_change, tz=dt.UTC),
                outcome=outcome[:500],
                details=details,
            )
        )
        if isinstance(spec, DecisionTask):
            audit.record(
                action="process.decision",
                subject=instance.subject or instance,
                summary=f"{spec.bpmn_name or spec.bpmn_id}：{outcome}"[:500],
                data={"instance_id": instance.pk, "element_id": spec.bpmn_id, **details},
            )
    if rows:
        insert_rows(rows)


def instance_history(instance: ProcessInstance | int) -> QuerySet[ProcessHistory]:
    """The instance's completed elements, oldest first (with who did each)."""
    instance_id = instance.pk if isinstance(instance, ProcessInstance) else instance
    return (
        ProcessHistory.objects.filter(instance_id=instance_id)
        .select_related("actor", "on_behalf_of")
        .order_by("completed_at", "id")
    )


def diagram_state(instance: ProcessInstance) -> dict[str, Any]:
    """``{"bpmn_xml", "active", "completed", "error"}`` for drawing the instance on its BPMN diagram."""
    from . import definitions
    from .session import all_tasks
    from .spiff import load_state

    definition = instance.definition
    spec, subprocess_specs = definitions.specs_for(definition)
    workflow = load_state(instance.state, instance.serializer_version, spec, subprocess_specs)
    active: set[str] = set()
    completed: set[str] = set()
    failed: set[str] = set()
    live = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    for task in all_tasks(workflow):
        element = getattr(task.task_spec, "bpmn_id", None)
        if element is None:
            continue
        if task.state & live:
            active.add(element)
        elif task.state == TaskState.COMPLETED:
            completed.add(element)
        elif task.state == TaskState.ERROR:
            failed.add(element)
    file_name = spec.file.rsplit("/", 1)[-1] if getattr(spec, "file", None) else ""
    bpmn_xml = definition.bpmn_files.get(file_name) or next(iter(definition.bpmn_files.values()), "")
    return {
        "bpmn_xml": bpmn_xml,
        "active": sorted(active),
        "completed": sorted(completed - active),
        "error": sorted(failed),
    }
