"""Operator controls (流程管控): suspend, resume, terminate, and retry after an incident.

A control the instance's state does not allow (any more) raises :class:`TransitionNotAllowed` (409): the state moved
on, or another operator acted first."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from SpiffWorkflow.util.task import TaskState

from domain.errors import TransitionNotAllowed
from processes.models import InstanceStatus, ProcessInstance, TimerStatus
from security import audit

from .session import TERMINAL, Session, all_tasks, lock


def _audit(instance: ProcessInstance, action: str, summary: str, acting_user: Any, reason: str) -> None:
    audit.record(
        action=f"process.{action}",
        actor=acting_user,
        subject=instance.subject or instance,
        summary=summary + (f"：{reason}" if reason else ""),
        data={"instance_id": instance.pk, "reason": reason, "status": instance.status},
    )


def suspend(instance_id: int, *, acting_user: Any, reason: str = "") -> ProcessInstance:
    """Suspend (挂起): nothing advances (tasks, timers, messages) until resumed."""
    with transaction.atomic():
        instance = lock(instance_id)
        if instance.status in TERMINAL or instance.status == InstanceStatus.SUSPENDED:
            raise TransitionNotAllowed(f"流程当前状态为“{instance.get_status_display()}”，不能挂起")
        ProcessInstance.objects.filter(pk=instance.pk).update(
            status=InstanceStatus.SUSPENDED, status_before_suspend=instance.status, revision=instance.revision + 1,
            updated_at=timezone.now(),
        )
        instance.refresh_from_db()
        _audit(instance, "suspend", "挂起流程", acting_user, reason)
    return instance


def resume(instance_id: int, *, acting_user: Any, reason: str = "") -> ProcessInstance:
    """Resume (恢复) a suspended instance; timers that fell due meanwhile fire on the next sweep, and the messages
    that arrived meanwhile (held) are delivered now, in the order they came."""
    with transaction.atomic():
        instance = lock(instance_id)
        if instance.status != InstanceStatus.SUSPENDED:
            raise TransitionNotAllowed("流程未挂起，无需恢复")
        instance.status = instance.status_before_suspend or InstanceStatus.RUNNING
        session = Session.open(instance, acting_user=acting_user)
        session.save(status=session.status())
        _audit(instance, "resume", "恢复流程", acting_user, reason)
        if _deliver_held(instance, acting_user):
            instance.refresh_from_db()
    return instance


def _deliver_held(instance: ProcessInstance, acting_user: Any) -> bool:
    """The messages that arrived while the instance was held, now that it runs again; True when any was handled."""
    from .events import RUNNABLE, deliver_held

    return instance.status in RUNNABLE and deliver_held(instance.pk, acting_user=acting_user) > 0


def terminate(instance_id: int, *, acting_user: Any, reason: str = "") -> ProcessInstance:
    """Terminate (终止): cancel every open branch; work items are withdrawn, timers and waits dropped."""
    with transaction.atomic():
        instance = lock(instance_id)
        if instance.status in TERMINAL:
            raise TransitionNotAllowed(f"流程已{instance.get_status_display()}，不能终止")
        session = Session.open(instance, acting_user=acting_user)
        session.workflow.cancel()
        instance.status = InstanceStatus.TERMINATED
        session.save(status=InstanceStatus.TERMINATED)
        instance.timers.filter(status=TimerStatus.PENDING).update(status=TimerStatus.CANCELLED)
        dropped = instance.held_messages.all().delete()[0]  # held for a resume that will not come
        _audit(instance, "terminate", "终止流程" + (f"（暂存消息 {dropped} 条不再投递）" if dropped else ""),
               acting_user, reason)
    return instance


def retry(instance_id: int, *, acting_user: Any, reason: str = "") -> ProcessInstance:
    """Retry (重试) after an incident: the failed task runs again, then the engine continues."""
    with transaction.atomic():
        instance = lock(instance_id)
        if instance.status != InstanceStatus.ERROR:
            raise TransitionNotAllowed("流程没有待处理的异常")
        session = Session.open(instance, acting_user=acting_user)
        failed = [t for t in all_tasks(session.workflow) if t.state == TaskState.ERROR]
        for task in failed:
            task._set_state(TaskState.READY)
        session.advance()
        session.save()
        _audit(instance, "retry", f"重试异常环节 {', '.join(t.task_spec.bpmn_id or '' for t in failed)}",
               acting_user, reason)
        if _deliver_held(instance, acting_user):
            instance.refresh_from_db()
    return instance
