"""Turn the engine's ready user tasks into work items (同步待办). Called inside the engine's transaction."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone

from domain.db import fetch_rows, insert_rows, update_row, update_rows
from domain.organisations.models import User
from security import audit

from .assignment import assignee_reference, candidate_specs
from .contract import CompletedTask, InstanceRef, ReadyTask
from .due import due_at
from .models import ACTIVE_STATUSES, ORG, WorkItem, WorkItemCandidate, WorkItemExclusion, WorkItemStatus

log = logging.getLogger("jianguan.tasks")

# the columns the sync reads back of active items (the form and its texts are written once, at creation)
_READ = ("instance_id", "task_id", "element_id", "name", "process_name", "status", "summary")
_PLACEHOLDER = re.compile(r"\{\s*(\w+)\s*\}")
_PRIORITY_WORDS = {"urgent": 90, "high": 80, "normal": 50, "low": 20}


def render_summary(template: str, variables: dict[str, Any]) -> str:
    """Fill ``{name}`` placeholders with process variables (plain names only; unknown ones become empty)."""

    def value(match: re.Match[str]) -> str:
        found = variables.get(match.group(1))
        return "" if found is None else str(found)

    return _PLACEHOLDER.sub(value, template).strip()[:300]


def parse_priority(text: str | None) -> int:
    if not text:
        return 50
    text = text.strip().lower()
    if text in _PRIORITY_WORDS:
        return _PRIORITY_WORDS[text]
    try:
        return max(0, min(100, int(text)))
    except ValueError:
        return 50


def four_eyes_elements(task: ReadyTask) -> list[str]:
    return [e.strip() for e in (task.properties.get("fourEyes") or "").split(",") if e.strip()]


def _summary(instance: InstanceRef, task: ReadyTask) -> str:
    template = task.properties.get("summary")
    if template:
        return render_summary(template, instance.variables)
    return instance.business_key or instance.subject_label or instance.process_name


def _resolve_assignees(instance: InstanceRef, ready: Sequence[ReadyTask]) -> dict[str, int]:
    refs = {t.task_id: assignee_reference(t, instance.variables) for t in ready}
    names = {r for r in refs.values() if isinstance(r, str)}
    ids = {r for r in refs.values() if isinstance(r, int)}
    if not names and not ids:
        return {}
    found = User.objects.filter(Q(username__in=names) | Q(pk__in=ids), is_active=True).values_list(
        "pk", "username"
    )
    by_name = {name: pk for pk, name in found}
    known_ids = set(by_name.values())
    out: dict[str, int] = {}
    for task_id, ref in refs.items():
        if isinstance(ref, str) and ref in by_name:
            out[task_id] = by_name[ref]
        elif isinstance(ref, int) and ref in known_ids:
            out[task_id] = ref
        elif ref is not None:
            log.warning(
                "assignee %r of task %s is not an active user; offered to the lane instead", ref, task_id
            )
    return out


def _complete(
    instance: InstanceRef, items: dict[str, WorkItem], completed: Iterable[CompletedTask]
) -> set[str]:
    done: set[str] = set()
    now = timezone.now()
    for c in completed:
        item = items.get(c.task_id)
        if item is None:
            continue
        item.status = WorkItemStatus.COMPLETED
        item.completed_at = now
        item.completed_by_id, item.completed_for_id = c.user_id, c.on_behalf_of_id
        if c.user is not None:  # the engine hands over the objects too: the audit record below need not read them
            item.completed_by = c.user
        if c.on_behalf_of is not None:
            item.completed_for = c.on_behalf_of
        item.data = c.data
        update_row(WorkItem, item.pk, {
            "status": item.status, "completed_at": now, "completed_by": item.completed_by_id,
            "completed_for": item.completed_for_id, "data": item.data,
        })
        audit.record(
            action="tasks.completed",
            actor=item.completed_by,
            on_behalf_of=item.completed_for,
            subject=item,
            summary=f"办结「{item.name}」",
            data={"instance_id": instance.id, "element_id": item.element_id},
        )
        done.add(c.task_id)
    return done


def _excluded_users(instance_id: int, element_ids: set[str]) -> dict[str, set[int]]:
    """Per element id: the users who completed it in this instance (and whom they acted for)."""
    if not element_ids:
        return {}
    rows = WorkItem.objects.filter(
        instance_id=instance_id, element_id__in=element_ids, status=WorkItemStatus.COMPLETED
    ).values_list("element_id", "completed_by_id", "completed_for_id")
    out: dict[str, set[int]] = {}
    for element_id, by_id, for_id in rows:
        out.setdefault(element_id, set()).update(x for x in (by_id, for_id) if x)
    return out


def _create(instance: InstanceRef, tasks: list[ReadyTask]) -> list[WorkItem]:
    assignees = _resolve_assignees(instance, tasks)
    now = timezone.now()
    items = []
    for t in tasks:
        assignee_id = assignees.get(t.task_id)
        start = t.ready_since or now
        items.append(
            WorkItem(
                instance_id=instance.id,
                process_key=instance.process_key,
                process_name=instance.process_name,
                process_version=instance.version,
                business_key=instance.business_key,
                subject_label=instance.subject_label[:200],
                district_code=instance.district_code or "",
                initiator_org_id=instance.initiator_org_id,
                task_id=t.task_id,
                element_id=t.element_id,
                name=t.name,
                lane=t.lane or "",
                documentation=t.documentation,
                form=t.form,
                ui_schema=t.ui_schema,
                properties=dict(t.properties),
                four_eyes=four_eyes_elements(t),
                status=WorkItemStatus.CLAIMED if assignee_id else WorkItemStatus.OPEN,
                summary=_summary(instance, t),
                priority=parse_priority(t.properties.get("priority")),
                created_at=start,
                due_at=due_at(t.properties, start),
                assignee_id=assignee_id,
                claimed_at=now if assignee_id else None,
            )
        )
    insert_rows(items)
    if any(i.pk is None for i in items):  # backends without RETURNING: read the ids back
        ids = dict(
            WorkItem.objects.filter(
                instance_id=instance.id, task_id__in=[t.task_id for t in tasks]
            ).values_list("task_id", "pk")
        )
        for i in items:
            i.pk = ids[i.task_id]
    by_task = {t.task_id: t for t in tasks}
    candidates: list[WorkItemCandidate] = []
    for item in items:
        active = item.status == WorkItemStatus.OPEN
        if item.assignee_id:
            candidates.append(
                WorkItemCandidate(
                    item=item,
                    user_id=item.assignee_id,
                    district_code=ORG,
                    active=active,
                    created_at=item.created_at,
                    due_at=item.due_at,
                )
            )
            continue
        specs = candidate_specs(instance, by_task[item.task_id])
        multi = len({s.group for s in specs}) > 1
        for spec in specs:
            candidates.append(
                WorkItemCandidate(
                    item=item,
                    group=spec.group,
                    district_code=spec.district_code,
                    organisation_id=spec.organisation_id,
                    user_id=spec.user_id,
                    active=active,
                    created_at=item.created_at,
                    due_at=item.due_at,
                    multi=multi,
                )
            )
    insert_rows(candidates)
    excluded = _excluded_users(instance.id, {e for i in items for e in i.four_eyes})
    exclusions = [
        WorkItemExclusion(item=item, user_id=user_id)
        for item in items
        for user_id in sorted(set().union(*(excluded.get(e, set()) for e in item.four_eyes)))
    ]
    WorkItemExclusion.objects.bulk_create(exclusions, ignore_conflicts=True)
    return items


def _reopen(instance_id: int, task_ids: set[str]) -> set[str]:
    """A task that is ready again after its item was closed (the engine reset it) gets its item back."""
    if not task_ids:
        return set()
    found = dict(
        WorkItem.objects.filter(instance_id=instance_id, task_id__in=task_ids).values_list("pk", "task_id")
    )
    if found:
        WorkItem.objects.filter(pk__in=found).update(
            status=WorkItemStatus.OPEN, assignee=None, claimed_at=None, completed_at=None
        )
        WorkItemCandidate.objects.filter(item_id__in=found).update(active=True)
    return set(found.values())


def sync_instance_tasks(
    instance: InstanceRef,
    ready: Sequence[ReadyTask],
    *,
    completed: Sequence[CompletedTask] = (),
    new_instance: bool = False,
) -> None:
    """Make the instance's active work items match ``ready``.

    Items of ``completed`` tasks are marked completed (who did it, for whom, with what data); ready tasks without
    an item get one with its candidates, due date and four-eyes exclusions; any other active item of the
    instance is cancelled (a boundary event or another branch took the process elsewhere). Idempotent.
    ``new_instance`` says the instance was created in this transaction, so it has no items to look up yet.
    """
    if new_instance:
        if ready:
            _create(instance, list(ready))
        return
    active = {
        i.task_id: i
        for i in fetch_rows(WorkItem, {"instance_id": instance.id, "status": ACTIVE_STATUSES}, columns=_READ)
    }
    done = _complete(instance, active, completed)
    ready_ids = {t.task_id for t in ready}
    withdrawn = [i for task_id, i in active.items() if task_id not in ready_ids and task_id not in done]
    stale = [i.pk for i in withdrawn]
    if stale:
        WorkItem.objects.filter(pk__in=stale).update(
            status=WorkItemStatus.CANCELLED, completed_at=timezone.now()
        )
    for i in withdrawn:  # the step that moved the process on (a timer, a message, a termination) is audited by the
        audit.record(  # engine in the same batch; each withdrawn item gets its own line too
            action="tasks.cancelled",
            subject=i,
            summary=f"「{i.name}」已撤销（流程已不在该环节）",
            data={"instance_id": instance.id, "element_id": i.element_id, "task_id": i.task_id},
        )
    finished = [i.pk for task_id, i in active.items() if task_id in done] + stale
    if finished:
        update_rows(WorkItemCandidate, {"item_id": finished}, {"active": False})
    new = [t for t in ready if t.task_id not in active]
    reopened = _reopen(instance.id, {t.task_id for t in new})
    new = [t for t in new if t.task_id not in reopened]
    if new:
        _create(instance, new)
    summaries = {t.task_id: _summary(instance, t) for t in ready if t.task_id in active}
    for task_id, summary in summaries.items():
        item = active[task_id]
        if item.summary != summary:
            item.summary = summary
            update_row(WorkItem, item.pk, {"summary": summary})
