"""Feeding the inbox (待办同步): after every engine step the ready user tasks go to ``tasks.sync``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from SpiffWorkflow.util.task import TaskState

from processes.models import ProcessInstance
from tasks.contract import CompletedTask, InstanceRef, ReadyTask

from . import pii


def instance_ref(instance: ProcessInstance) -> InstanceRef:
    subject_label = ""
    ct = instance.subject_type if instance.subject_type_id else None
    if ct is not None:
        subject_label = f"{ct.app_label}.{ct.model}:{instance.subject_id}"
    return InstanceRef(
        id=instance.pk,
        process_key=instance.process_key,
        process_name=instance.definition.name or instance.process_key,
        version=instance.definition.version,
        business_key=instance.business_key,
        district_code=instance.district_code,
        initiator_org_id=instance.initiator_org_id,
        initiator_user_id=instance.started_by_id,
        subject_label=subject_label,
        variables=dict(instance.data),
    )


def ready_task(instance: ProcessInstance, task: Any) -> ReadyTask:
    spec = task.task_spec
    properties = dict((getattr(spec, "extensions", {}) or {}).get("properties", {}) or {})
    forms = instance.definition.forms
    return ReadyTask(
        task_id=str(task.id),
        element_id=spec.bpmn_id or spec.name,
        name=spec.bpmn_name or spec.bpmn_id or spec.name,
        lane=spec.lane,
        form=forms.get(properties.get("formJsonSchemaFilename", "")),
        ui_schema=forms.get(properties.get("formUiSchemaFilename", "")),
        properties=properties,
        documentation=spec.documentation or "",
        ready_since=dt.datetime.fromtimestamp(task.last_state_change, tz=dt.UTC),
    )


def ready_user_tasks(tasks: list[Any]) -> list[Any]:
    return [t for t in tasks if t.state == TaskState.READY and t.task_spec.manual]


def sync(
    instance: ProcessInstance,
    tasks: list[Any],
    actors: dict[Any, tuple[Any, Any, dict[str, Any]]],
    *,
    active: bool = True,
    new_instance: bool = False,
) -> None:
    """Hand the instance's ready user tasks (none when it has ended) and this step's completions to the inbox."""
    try:
        from tasks.sync import sync_instance_tasks
    except ModuleNotFoundError as exc:  # the inbox is not installed in this tree yet
        if exc.name != "tasks.sync":
            raise
        return
    ready = [ready_task(instance, t) for t in ready_user_tasks(tasks)] if active else []
    personal = pii.masked_names(instance.definition)
    completed = [
        CompletedTask(
            task_id=str(task_id),
            user_id=getattr(user, "pk", None),
            on_behalf_of_id=getattr(on_behalf_of, "pk", None),
            data=pii.redact(dict(data or {}), personal),  # the submitted data, personal data masked
            user=user,
            on_behalf_of=on_behalf_of,
        )
        for task_id, (user, on_behalf_of, data) in actors.items()
    ]
    sync_instance_tasks(instance_ref(instance), ready, completed=completed, new_instance=new_instance)
