"""One engine operation on one locked instance: load, advance, and save everything that follows from it
(state, status, history, timers, message subscriptions, the inbox) in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from domain.db import fetch_rows, update_row
from domain.errors import ConflictError, NotVisibleError
from processes.models import (
    InstanceStatus,
    MessageSubscription,
    ProcessInstance,
    ProcessTimer,
    TimerStatus,
)
from security import audit

from . import definitions, history, inbox, pii
from .spiff import (
    SCRIPT_ENGINE,
    SERIALIZER_VERSION,
    RunContext,
    dump_state,
    event_part,
    event_parts,
    load_state,
    running,
)

TERMINAL = (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED)


def lock(instance_id: int) -> ProcessInstance:
    """Lock the instance row for this transaction (``select_for_update``)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must run inside transaction.atomic()")
    found = fetch_rows(
        ProcessInstance, {"id": instance_id}, extra={"definition_hash": "definition.content_hash"}, for_update=True
    )
    if not found:
        raise NotVisibleError("流程实例不存在")
    instance: Any = found[0]
    # the definition's files come from the per-process cache (published rows never change)
    instance.definition = definitions.cached(instance.definition_id, instance.definition_hash)
    return instance


def all_tasks(workflow: Any) -> list[Any]:
    tasks = list(workflow.tasks.values())
    for subprocess in workflow.subprocesses.values():
        tasks.extend(subprocess.tasks.values())
    return tasks


def find_task(workflow: Any, task_id: str) -> Any | None:
    try:
        return workflow.get_task_from_id(UUID(str(task_id)))
    except (ValueError, TaskNotFoundException):
        return None


class Session:
    """The engine's working copy of one instance during one operation."""

    def __init__(self, instance: ProcessInstance, workflow: Any, *, acting_user: Any = None):
        self.instance = instance
        self.workflow = workflow
        self.acting_user = acting_user if getattr(acting_user, "is_authenticated", False) else None
        tasks = all_tasks(workflow)
        self.completed_before = {t.id for t in tasks if t.state == TaskState.COMPLETED}
        # Timer rows and message subscriptions mirror the waits of the last save: none then means no rows now.
        self.had_timers = bool(waiting_events(tasks, TimerEventDefinition))
        self.had_messages = bool(waiting_events(tasks, MessageEventDefinition))
        self.actors: dict[UUID, tuple[Any, Any, dict[str, Any]]] = {}
        self.incident: tuple[str, str] | None = None
        self.fresh = False  # a just-started instance has no timer/subscription rows to reconcile

    @classmethod
    def open(cls, instance: ProcessInstance, *, acting_user: Any = None) -> Session:
        spec, subprocess_specs = definitions.specs_for(instance.definition)
        workflow = load_state(instance.state, instance.serializer_version, spec, subprocess_specs)
        return cls(instance, workflow, acting_user=acting_user)

    def context(self) -> RunContext:
        return RunContext(instance=self.instance, acting_user=self.acting_user, subject=self.instance.subject)

    # -- driving the workflow -------------------------------------------------------------------------------
    def complete_user_task(self, task: Any, data: dict[str, Any], *, on_behalf_of: Any = None) -> None:
        spec = task.task_spec
        if hasattr(spec, "add_data_from_form"):
            spec.add_data_from_form(task, data)
        else:
            task.set_data(**data)
        self.actors[task.id] = (self.acting_user, on_behalf_of, data)
        self.run(task.run)

    def advance(self) -> None:
        """Run engine steps until every branch waits (or a task fails: an incident)."""
        self.run(self.workflow.do_engine_steps)

    def run(self, step: Any) -> None:
        with running(self.context()):
            try:
                step()
            except Exception as exc:
                failed = [t for t in all_tasks(self.workflow) if t.state == TaskState.ERROR]
                if not failed:
                    raise
                message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
                self.incident = (str(message)[:2000], failed[0].task_spec.bpmn_id or failed[0].task_spec.name)

    # -- saving -----------------------------------------------------------------------------------------
    def status(self) -> str:
        tasks = all_tasks(self.workflow)
        if self.incident or any(t.state == TaskState.ERROR for t in tasks):
            return InstanceStatus.ERROR
        if self.workflow.is_completed():
            return InstanceStatus.COMPLETED
        if any(t.state == TaskState.READY and t.task_spec.manual for t in tasks):
            return InstanceStatus.RUNNING
        return InstanceStatus.WAITING

    def save(self, *, status: str | None = None) -> ProcessInstance:
        """Write the instance and everything that follows from it; the step's audit events go in one batch."""
        with audit.batch():
            return self._save(status)

    def _save(self, status: str | None) -> ProcessInstance:
        instance = self.instance
        fresh = self.fresh
        now = timezone.now()
        tasks = all_tasks(self.workflow)
        new_status = status or self.status()
        if instance.status == InstanceStatus.SUSPENDED and status is None:
            instance.status_before_suspend = new_status
            new_status = InstanceStatus.SUSPENDED
        instance.status = new_status
        if self.incident:
            instance.error_message, instance.error_element_id = self.incident
        elif new_status != InstanceStatus.ERROR:
            instance.error_message, instance.error_element_id = "", ""
        if new_status in TERMINAL and instance.completed_at is None:
            instance.completed_at = now
        instance.state = dump_state(self.workflow)
        instance.serializer_version = SERIALIZER_VERSION
        # the readable snapshot masks personal data; the real values stay in the encrypted state
        instance.data = pii.redact(json_safe(variables_of(self.workflow, tasks)), pii.masked_names(instance.definition))
        self._write(instance, now)
        newly_completed = [
            t for t in tasks if t.state == TaskState.COMPLETED and t.id not in self.completed_before
        ]
        history.append(instance, newly_completed, self.actors, now)
        active = new_status not in TERMINAL
        sync_timers(instance, tasks, now, active=active, fresh=self.fresh or not self.had_timers)
        sync_subscriptions(instance, tasks, active=active, fresh=self.fresh or not self.had_messages)
        self.had_timers = bool(active and waiting_events(tasks, TimerEventDefinition))
        self.had_messages = bool(active and waiting_events(tasks, MessageEventDefinition))
        self.fresh = False
        inbox.sync(instance, tasks, self.actors, active=active, new_instance=fresh)
        self.completed_before |= {t.id for t in newly_completed}
        self.actors = {}
        return instance

    def _write(self, instance: ProcessInstance, now: dt.datetime) -> None:
        fields = [
            "status", "status_before_suspend", "error_message", "error_element_id", "completed_at", "state",
            "serializer_version", "data", "definition",
        ]
        updated = update_row(
            ProcessInstance,
            instance.pk,
            {"updated_at": now, "revision": instance.revision + 1, **{f: getattr(instance, f) for f in fields}},
            expect={"revision": instance.revision},
        )
        if updated != 1:
            raise ConflictError("流程实例已被他人同时修改，请刷新后重试")
        instance.revision += 1
        instance.updated_at = now


def variables_of(workflow: Any, tasks: list[Any]) -> dict[str, Any]:
    """The process variables: the data of the tasks that are live now (or of the last one that ran)."""
    live = [t for t in tasks if t.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED, TaskState.ERROR)]
    if not live:
        finished = [t for t in tasks if t.state == TaskState.COMPLETED]
        live = sorted(finished, key=lambda t: t.last_state_change)[-1:]
    merged: dict[str, Any] = {}
    for task in sorted(live, key=lambda t: t.last_state_change):
        merged.update(task.data)
    return merged


def json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items() if not callable(v)}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return str(value)


# -- timers and message subscriptions --------------------------------------------------------------------
def waiting_events(tasks: list[Any], kind: type) -> list[Any]:
    return [
        t
        for t in tasks
        if t.state == TaskState.WAITING and event_part(t.task_spec, kind) is not None
    ]


def timer_due(task: Any) -> tuple[str, dt.datetime] | None:
    definition = event_part(task.task_spec, TimerEventDefinition)
    value = task.internal_data.get("event_value")
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        if not isinstance(value, dict) or value.get("cycles") == 0:
            return None
        return "cycle", TimerEventDefinition.get_datetime(value["next"])
    kind = "duration" if isinstance(definition, DurationTimerEventDefinition) else "date"
    return kind, TimerEventDefinition.parse_time_or_duration(value)


def sync_timers(
    instance: ProcessInstance, tasks: list[Any], now: dt.datetime, *, active: bool, fresh: bool = False
) -> None:
    current: dict[tuple[str, dt.datetime], tuple[Any, str]] = {}
    if active:
        for task in waiting_events(tasks, TimerEventDefinition):
            due = timer_due(task)
            if due is not None:
                current[(str(task.id), due[1])] = (task, due[0])
    pending = {} if fresh else {
        (t.task_id, t.due_at): t for t in instance.timers.filter(status=TimerStatus.PENDING)
    }
    completed = {str(t.id) for t in tasks if t.state == TaskState.COMPLETED} if pending else set()
    for key, row in pending.items():
        if key not in current:
            # fired by the engine itself (time passed during another step), or a cycle moved on; else withdrawn
            fired = row.due_at <= now and (active or row.task_id in completed)
            row.status = TimerStatus.FIRED if fired else TimerStatus.CANCELLED
            row.fired_at = now if fired else None
            row.lateness_seconds = (now - row.due_at).total_seconds() if fired else None
            row.save(update_fields=["status", "fired_at", "lateness_seconds"])
    new = [
        ProcessTimer(instance=instance, task_id=key[0], element_id=task.task_spec.bpmn_id or "", kind=kind,
                     due_at=key[1])
        for key, (task, kind) in current.items()
        if key not in pending
    ]
    if new:
        ProcessTimer.objects.bulk_create(new, ignore_conflicts=True)


def correlation_key(instance: ProcessInstance, task: Any) -> str:
    properties = (getattr(task.task_spec, "extensions", {}) or {}).get("properties", {}) or {}
    expression = properties.get("correlationKey")
    if expression:
        return str(SCRIPT_ENGINE.evaluate(task, expression))
    return instance.business_key


def sync_subscriptions(instance: ProcessInstance, tasks: list[Any], *, active: bool, fresh: bool = False) -> None:
    wanted: dict[tuple[str, str], tuple[Any, str]] = {}
    if active:
        for task in waiting_events(tasks, MessageEventDefinition):
            for part in event_parts(task.task_spec):
                if isinstance(part, MessageEventDefinition):
                    wanted[(str(task.id), part.name)] = (task, correlation_key(instance, task))
    existing = {} if fresh else {
        (s.task_id, s.message_name): s for s in instance.subscriptions.all()
    }
    stale = [s.pk for key, s in existing.items() if key not in wanted]
    if stale:
        MessageSubscription.objects.filter(pk__in=stale).delete()
    new = [
        MessageSubscription(instance=instance, task_id=key[0], message_name=key[1], correlation_key=ckey,
                            element_id=task.task_spec.bpmn_id or "")
        for key, (task, ckey) in wanted.items()
        if key not in existing
    ]
    if new:
        MessageSubscription.objects.bulk_create(new)
