"""Process-model migration (流程实例迁移): move running instances of version N to a newer version when safe.

Uses SpiffWorkflow's diff/migrate helpers. An instance is *unsafe* (refused, left untouched) when a task it has
already reached — completed, ready, waiting or failed — has no counterpart in the new version, or when one of its
running subprocesses was removed, or when the new version offers a user task to the organisation held in a process
variable (``candidateOrganisation``) that the instance does not have — its task would reach no one. Ready and
waiting tasks whose element changed are reset onto the new element (their work items are re-issued). ``dry_run``
reports the same plan without saving anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from domain.errors import ProcedureError
from processes.models import ACTIVE_STATUSES, InstanceStatus, ProcessDefinition, ProcessInstance
from security import audit

from . import definitions
from .session import Session, all_tasks, lock
from .spiff import SERIALIZER

REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


@dataclass
class MigrationPlan:
    """What migrating one instance would do (or did)."""

    instance_id: int
    from_version: int
    to_version: int
    safe: bool
    reasons: list[str] = field(default_factory=list)  # why it is unsafe
    changed: list[str] = field(default_factory=list)  # element ids of live tasks that are reset onto new elements
    added: list[str] = field(default_factory=list)  # element ids new in the target version
    migrated: bool = False


def _element(spec: Any) -> str:
    return getattr(spec, "bpmn_id", None) or spec.name


def _plan(instance: ProcessInstance, workflow: Any, target: ProcessDefinition) -> tuple[MigrationPlan, Any]:
    new_spec, new_subprocess_specs = definitions.specs_for(target)
    top_diff, sub_diffs = diff_workflow(SERIALIZER.registry, workflow, new_spec, new_subprocess_specs)
    plan = MigrationPlan(instance.pk, instance.definition.version, target.version, safe=True)
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.SUSPENDED):
        plan.reasons.append(f"实例状态为“{instance.get_status_display()}”")
    for task in top_diff.removed:
        if task.state & REACHED:
            plan.reasons.append(f"已到达的环节 {_element(task.task_spec)} 在新版本中不存在")
    for sp_id, sp_diff in sub_diffs.items():
        if sp_diff is None:
            plan.reasons.append(f"运行中的子流程 {sp_id} 在新版本中不存在")
        else:
            plan.reasons.extend(
                f"子流程中已到达的环节 {_element(t.task_spec)} 在新版本中不存在"
                for t in sp_diff.removed
                if t.state & REACHED
            )
    variables = instance.data or {}
    for spec in list(new_spec.task_specs.values()) + [
        s for sub in new_subprocess_specs.values() for s in sub.task_specs.values()
    ]:
        party = ((getattr(spec, "extensions", {}) or {}).get("properties", {}) or {}).get("candidateOrganisation", "")
        name = party.strip().strip("{}").strip()
        if name and variables.get(name) in (None, ""):
            plan.reasons.append(f"新版本的环节 {_element(spec)} 按流程变量 {name} 确定办理单位，而该实例没有此变量")
    plan.changed = sorted(
        {_element(t.task_spec) for t in top_diff.changed if t.state & (TaskState.READY | TaskState.WAITING)}
    )
    old_ids = {_element(s) for s in workflow.spec.task_specs.values()}
    plan.added = sorted({_element(s) for s in new_spec.task_specs.values() if getattr(s, "bpmn_id", None)} - old_ids)
    plan.safe = not plan.reasons
    return plan, (top_diff, sub_diffs, new_spec, new_subprocess_specs)


def migrate_instances(
    key: str,
    *,
    acting_user: Any = None,
    to_version: int | None = None,
    from_version: int | None = None,
    instance_ids: list[int] | None = None,
    dry_run: bool = False,
) -> list[MigrationPlan]:
    """Migrate (or with ``dry_run`` only plan) every active instance of ``key`` on an older version."""
    target = (
        ProcessDefinition.objects.filter(key=key, version=to_version).first()
        if to_version is not None
        else definitions.latest(key)
    )
    if target is None:
        raise ProcedureError(f"流程 {key} 没有版本 {to_version}")
    candidates = ProcessInstance.objects.filter(process_key=key, status__in=ACTIVE_STATUSES).exclude(definition=target)
    candidates = candidates.filter(definition__version__lt=target.version)
    if from_version is not None:
        candidates = candidates.filter(definition__version=from_version)
    if instance_ids is not None:
        candidates = candidates.filter(pk__in=instance_ids)
    plans = []
    for instance_id in candidates.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            plans.append(_migrate_one(instance_id, target, acting_user, dry_run))
    return plans


def _migrate_one(instance_id: int, target: ProcessDefinition, acting_user: Any, dry_run: bool) -> MigrationPlan:
    instance = lock(instance_id)
    session = Session.open(instance, acting_user=acting_user)
    plan, (top_diff, sub_diffs, new_spec, new_subprocess_specs) = _plan(instance, session.workflow, target)
    if dry_run or not plan.safe:
        return plan
    workflow = session.workflow
    workflow.subprocess_specs = new_subprocess_specs
    migrate_workflow(top_diff, workflow, new_spec)
    for sp_id, sp_diff in sub_diffs.items():
        subprocess = workflow.subprocesses[sp_id]
        migrate_workflow(sp_diff, subprocess, new_subprocess_specs[subprocess.spec.name])
    session.completed_before = {t.id for t in all_tasks(workflow) if t.state == TaskState.COMPLETED}
    old_version = instance.definition.version
    instance.definition = target
    if instance.status != InstanceStatus.SUSPENDED:
        session.advance()
    session.save()
    plan.migrated = True
    audit.record(
        action="process.migrate",
        actor=acting_user,
        subject=instance.subject or instance,
        summary=f"流程实例由 v{old_version} 迁移到 v{target.version}",
        data={"instance_id": instance.pk, "changed": plan.changed, "added": plan.added},
    )
    return plan
