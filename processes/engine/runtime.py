"""Starting instances and completing user tasks (发起与办理)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from SpiffWorkflow.util.task import TaskState

from domain.db import insert_rows
from domain.errors import ConflictError, NotVisibleError, ProcedureError
from processes.models import InstanceStatus, ProcessDefinition, ProcessInstance
from security import audit

from . import definitions
from .session import TERMINAL, Session, find_task, lock
from .spiff import new_workflow

log = logging.getLogger("jianguan.engine")


def _authenticated(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def start(
    key: str,
    *,
    subject: models.Model | None = None,
    variables: dict[str, Any] | None = None,
    acting_user: Any = None,
    business_key: str = "",
    district_code: str | None = None,
    initiator_org: Any = None,
    definition: ProcessDefinition | None = None,
) -> ProcessInstance:
    """Start the latest published version of process ``key`` and run it until every branch waits."""
    definition = definition or definitions.latest(key)
    variables = dict(variables or {})
    user = _authenticated(acting_user)
    if district_code is None:
        district_code = getattr(subject, "district_code", None) or variables.get("district_code")
    # the id, not the object: the acting user's organisation row is not needed to start
    initiator_org_id = initiator_org.pk if initiator_org is not None else getattr(user, "organisation_id", None)
    variables["district_code"] = district_code
    variables["initiator_org_id"] = initiator_org_id
    with transaction.atomic():
        instance = ProcessInstance(
            definition=definition,
            process_key=definition.key,
            business_key=business_key or "",
            district_code=district_code or None,
            initiator_org_id=initiator_org_id,
            started_by=user,
            serializer_version="",
        )
        if subject is not None:
            if subject.pk is None:
                raise ValueError("start(subject=...) needs a saved object")
            instance.subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
            instance.subject_id = str(subject.pk)
        insert_rows([instance])
        spec, subprocess_specs = definitions.specs_for(definition)
        workflow = new_workflow(spec, subprocess_specs)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(variables)
        session = Session(instance, workflow, acting_user=user)
        session.fresh = True
        session.advance()
        with audit.batch():
            session.save()
            audit.record(
                action="process.start",
                actor=user,
                subject=subject or instance,
                summary=f"发起流程 {definition.name or definition.key}（v{definition.version}）",
                data={"instance_id": instance.pk, "process_key": definition.key, "version": definition.version,
                      "business_key": instance.business_key},
            )
    return instance


def _declared_names(schema: dict[str, Any]) -> set[str]:
    """Top-level field names a JSON Schema declares, including those under allOf/anyOf/oneOf/if-then-else and
    dependentSchemas (conditional fields)."""
    names = set((schema.get("properties") or {}).keys())
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key) or []:
            if isinstance(part, dict):
                names |= _declared_names(part)
    for key in ("if", "then", "else"):
        if isinstance(schema.get(key), dict):
            names |= _declared_names(schema[key])
    for part in (schema.get("dependentSchemas") or {}).values():
        if isinstance(part, dict):
            names |= _declared_names(part)
    return names


def declared_fields(form: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """Only the fields the task's form declares: a submission cannot set any other process variable (the party a
    later task is offered to, the subject's id, …). Undeclared keys are dropped and logged."""
    declared = _declared_names(form or {})
    dropped = sorted(k for k in data if k not in declared)
    if dropped:
        log.warning("form submission with undeclared fields %s: dropped", ", ".join(map(str, dropped)))
    return {k: v for k, v in data.items() if k in declared}


def validate_form(form: dict[str, Any] | None, data: dict[str, Any]) -> None:
    """Check submitted data against the task's JSON Schema: the inbox's validator, so the messages are the same
    per-field Chinese ones the pages and the API show (a ``ValidationError`` keyed by dotted field path)."""
    from tasks.forms import validate_data

    validate_data(form, data)


def complete_task(
    instance_id: int,
    task_id: str,
    *,
    data: dict[str, Any],
    acting_user: Any,
    on_behalf_of: Any = None,
) -> ProcessInstance:
    """Complete a ready user task with ``data`` and run the engine until every branch waits.

    The caller checks that ``acting_user`` may do the task (the inbox's :func:`complete_work_item` does).
    A task that is no longer ready raises :class:`ConflictError` (someone else completed it first).
    """
    if not isinstance(data, dict):
        raise ValidationError("表单数据必须是一个对象")
    with transaction.atomic():
        instance = lock(instance_id)
        if instance.status == InstanceStatus.SUSPENDED:
            raise ProcedureError("流程已挂起，暂不能办理")
        if instance.status in TERMINAL:
            raise ConflictError("流程已结束，该任务不能再办理")
        session = Session.open(instance, acting_user=acting_user)
        task = find_task(session.workflow, task_id)
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise ConflictError("该任务已被办理或已不在待办状态，请刷新后重试")
        properties = (getattr(task.task_spec, "extensions", {}) or {}).get("properties", {}) or {}
        form = instance.definition.forms.get(properties.get("formJsonSchemaFilename", ""))
        validate_form(form, data)
        data = declared_fields(form, data)
        user = _authenticated(acting_user)
        session.complete_user_task(task, data, on_behalf_of=_authenticated(on_behalf_of))
        if session.incident is None:
            session.advance()
        with audit.batch():
            session.save()
            audit.record(
                action="process.complete_task",
                actor=user,
                on_behalf_of=_authenticated(on_behalf_of),
                subject=instance.subject or instance,
                summary=f"办理 {task.task_spec.bpmn_name or task.task_spec.bpmn_id}",
                data={"instance_id": instance.pk, "element_id": task.task_spec.bpmn_id, "task_id": str(task.id)},
            )
    return instance


def complete_work_item(item_id: int, *, data: dict[str, Any], acting_user: Any) -> ProcessInstance:
    """Complete the inbox work item ``item_id``: the inbox checks who may act, then :func:`complete_task`."""
    from tasks import services as task_services
    from tasks.models import WorkItem

    instance_id = WorkItem.objects.filter(pk=item_id).values_list("instance_id", flat=True).first()
    if instance_id is None:
        raise NotVisibleError("待办事项不存在")
    with transaction.atomic():
        lock(instance_id)  # instance first, then the work item: the order every engine step uses (no deadlock)
        item = WorkItem.objects.select_for_update().get(pk=item_id)
        on_behalf_of = task_services.check_can_complete(item, acting_user)
        return complete_task(
            item.instance_id, item.task_id, data=data, acting_user=acting_user, on_behalf_of=on_behalf_of
        )
