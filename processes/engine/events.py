"""Timers (定时器) and messages (消息): the sweep that fires due timers and message correlation."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState

from processes.models import (
    HeldMessage,
    InstanceStatus,
    MessageSubscription,
    ProcessDefinition,
    ProcessInstance,
    ProcessTimer,
    TimerStatus,
)
from security import audit

from . import definitions
from .session import TERMINAL, Session, find_task, lock
from .spiff import event_part, event_parts

RUNNABLE = (InstanceStatus.RUNNING, InstanceStatus.WAITING)
HELD = (InstanceStatus.SUSPENDED, InstanceStatus.ERROR)  # their timers wait for the resume or retry


@dataclass(frozen=True)
class FiredTimer:
    timer_id: int
    instance_id: int
    element_id: str
    due_at: dt.datetime
    fired_at: dt.datetime
    lateness_seconds: float


def fire_due_timers(*, now: dt.datetime | None = None, limit: int = 500) -> list[FiredTimer]:
    """Fire every pending timer due at ``now`` (default: the current time). Safe to run twice or in parallel:
    each timer is fired under its instance's lock and only while still pending; returns what fired and how late."""
    now = now or timezone.now()
    due = list(
        # not the timers of suspended or failed instances: they wait for the resume or retry, and would otherwise
        # fill every batch of ``limit`` and starve the runnable ones behind them
        ProcessTimer.objects.filter(status=TimerStatus.PENDING, due_at__lte=now)
        .exclude(instance__status__in=HELD)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    fired: list[FiredTimer] = []
    for timer_id in due:
        with transaction.atomic():
            result = _fire_one(timer_id, now)
        if result is not None:
            fired.append(result)
    return fired


def _fire_one(timer_id: int, now: dt.datetime) -> FiredTimer | None:
    # Lock order is instance row, then timer row — the same as every other engine operation (no deadlocks).
    instance_id = ProcessTimer.objects.filter(pk=timer_id).values_list("instance_id", flat=True).first()
    if instance_id is None:
        return None
    instance = lock(instance_id)
    timer = ProcessTimer.objects.select_for_update().filter(pk=timer_id, status=TimerStatus.PENDING).first()
    if timer is None:
        return None  # fired by a concurrent sweep while we waited for the instance
    if instance.status in TERMINAL:
        _close(timer, TimerStatus.CANCELLED, None)
        return None
    if instance.status not in RUNNABLE:
        return None  # suspended or in error: fires once resumed/retried
    session = Session.open(instance)
    task = find_task(session.workflow, timer.task_id)
    if task is None or task.state != TaskState.WAITING:
        _close(timer, TimerStatus.CANCELLED, None)
        return None
    if isinstance(event_part(task.task_spec, TimerEventDefinition), CycleTimerEventDefinition):
        value = dict(task.internal_data.get("event_value") or {})
        real_now = dt.datetime.now(dt.UTC)
        value["next"] = min(dt.datetime.fromisoformat(value["next"]), real_now - dt.timedelta(microseconds=1)).isoformat()
        task.internal_data["event_value"] = value
    else:
        task._set_internal_data(event_fired=True)
    lateness = max(0.0, (now - timer.due_at).total_seconds())
    _close(timer, TimerStatus.FIRED, now, lateness)
    session.run(session.workflow.refresh_timers)
    if session.incident is None:
        session.advance()
    with audit.batch():
        session.save()
        audit.record(
            action="process.timer",
            subject=instance.subject or instance,
            summary=f"定时器 {timer.element_id} 触发（延迟 {lateness:.0f} 秒）",
            data={"instance_id": instance.pk, "element_id": timer.element_id, "due_at": timer.due_at.isoformat(),
                  "lateness_seconds": lateness},
        )
    return FiredTimer(timer.pk, instance.pk, timer.element_id, timer.due_at, now, lateness)


def _close(timer: ProcessTimer, status: str, fired_at: dt.datetime | None, lateness: float | None = None) -> None:
    timer.status = status
    timer.fired_at = fired_at
    timer.lateness_seconds = lateness
    timer.save(update_fields=["status", "fired_at", "lateness_seconds"])


# -- messages ---------------------------------------------------------------------------------------------
@dataclass
class CorrelationResult:
    """What :func:`correlate` did: the instances that received the message (or were started by it)."""

    message_name: str
    key: str
    instances: list[ProcessInstance] = field(default_factory=list)
    started: list[ProcessInstance] = field(default_factory=list)
    held: list[int] = field(default_factory=list)  # waiting but suspended or in error: kept for the resume/retry

    @property
    def nobody_waiting(self) -> bool:
        return not self.instances and not self.started and not self.held


def correlate(message_name: str, key: str, payload: dict[str, Any] | None = None, *, acting_user: Any = None):
    """Deliver message ``message_name`` with correlation ``key`` to every instance waiting for it; when none is
    waiting, start the processes whose start event catches it; otherwise ``result.nobody_waiting``.

    An instance waiting for it while suspended or stopped by an incident does not lose it: the message is held
    (:class:`HeldMessage`) and delivered when the instance is resumed or retried (``result.held``)."""
    payload = dict(payload or {})
    result = CorrelationResult(message_name, str(key))
    waiting = list(
        MessageSubscription.objects.filter(message_name=message_name, correlation_key=str(key))
        .order_by("instance_id")
        .values_list("instance_id", flat=True)
        .distinct()
    )
    for instance_id in waiting:
        with transaction.atomic():
            delivered = _deliver(instance_id, message_name, str(key), payload, acting_user)
        if delivered is True:
            result.instances.append(ProcessInstance.objects.get(pk=instance_id))
        elif delivered is False:
            result.held.append(instance_id)
    if not waiting:
        from .runtime import start

        for definition in message_start_definitions(message_name):
            with transaction.atomic():
                instance = start(definition.key, definition=definition, business_key=str(key),
                                 variables=payload, acting_user=acting_user)
                _deliver(instance.pk, message_name, str(key), payload, acting_user)
            instance.refresh_from_db()
            result.started.append(instance)
    return result


def _deliver(instance_id: int, message_name: str, key: str, payload: dict[str, Any], acting_user: Any):
    """True: delivered; False: waiting but not runnable (the message is held for it); None: no longer waiting."""
    instance = lock(instance_id)
    if instance.status in TERMINAL:
        return None
    if instance.status not in RUNNABLE:
        HeldMessage.objects.create(instance_id=instance_id, message_name=message_name, correlation_key=key,
                                   payload=json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False))
        audit.record(
            action="process.message_held",
            actor=acting_user,
            subject=instance.subject or instance,
            summary=f"收到消息 {message_name}（{key}），流程{instance.get_status_display()}，暂存待恢复后投递",
            data={"instance_id": instance.pk, "message": message_name, "key": key},
        )
        return False
    session = Session.open(instance, acting_user=acting_user)
    targets = list(instance.subscriptions.filter(message_name=message_name, correlation_key=key))
    delivered = False
    for subscription in targets:
        task = find_task(session.workflow, subscription.task_id)
        if task is None or task.state != TaskState.WAITING:
            continue
        session.run(lambda task=task: _catch(task, message_name, payload))
        delivered = True
    if not delivered:
        return None
    if session.incident is None:
        session.advance()
    with audit.batch():
        session.save()
        audit.record(
            action="process.message",
            actor=session.acting_user,
            subject=instance.subject or instance,
            summary=f"收到消息 {message_name}（{key}）",
            data={"instance_id": instance.pk, "message": message_name, "key": key},
        )
    return True


def _catch(task: Any, message_name: str, payload: dict[str, Any]) -> None:
    definition = next(
        d for d in event_parts(task.task_spec) if isinstance(d, MessageEventDefinition) and d.name == message_name
    )
    event = BpmnEvent(definition, payload=payload)
    task.task_spec.catch(task, event)
    if getattr(definition, "message_var", None) is None:
        task.data.update(payload)
    task.task_spec._update(task)


def message_start_definitions(message_name: str) -> list[ProcessDefinition]:
    """The latest definition of every process whose start event catches ``message_name``."""
    latest: dict[str, ProcessDefinition] = {}
    for definition in ProcessDefinition.objects.order_by("key", "version"):
        latest[definition.key] = definition
    found = []
    for definition in latest.values():
        spec, _subs = definitions.specs_for(definition)
        for task_spec in spec.task_specs.values():
            event = getattr(task_spec, "event_definition", None)
            if isinstance(task_spec, StartEvent) and isinstance(event, MessageEventDefinition) and (
                event.name == message_name
            ):
                found.append(definition)
                break
    return found


def deliver_held(instance_id: int, *, acting_user: Any = None) -> int:
    """Deliver, in the order they came, the messages held for instance ``instance_id`` while it was suspended or in
    error (call inside the transaction that resumed or retried it, once it is runnable); returns how many it took
    off hold (delivered, or dropped on the record because their wait is gone)."""
    handled = 0
    for held in list(HeldMessage.objects.filter(instance_id=instance_id).order_by("id")):
        status = ProcessInstance.objects.filter(pk=instance_id).values_list("status", flat=True).get()
        if status in HELD:
            break  # a delivered message led to an incident: the rest stay held for the retry
        held.delete()
        handled += 1
        outcome = None if status in TERMINAL else _deliver(
            instance_id, held.message_name, held.correlation_key, json.loads(held.payload or "{}"), acting_user)
        if outcome is None:
            instance = ProcessInstance.objects.get(pk=instance_id)
            audit.record(
                action="process.message_dropped",
                actor=acting_user,
                subject=instance.subject or instance,
                summary=f"暂存消息 {held.message_name}（{held.correlation_key}）已无等待环节，未投递",
                data={"instance_id": instance_id, "message": held.message_name, "key": held.correlation_key},
            )
    return handled
