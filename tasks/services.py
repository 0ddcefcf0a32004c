"""Writes on work items: claim (认领), unclaim (退回), delegate (转办), drafts, substitutes (代理), overdue escalation.

Every operation is one transaction with its audit record inside. Permission rules:

* only a candidate of the item (or the substitute of one, who then acts *for* that candidate) may claim it;
* a claimed item can be worked only by its assignee (or the assignee's substitute);
* the four-eyes rule (``fourEyes``): whoever completed one of the listed elements of the same case may not act.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from domain.errors import ConflictError, PermissionDeniedError, ProcedureError
from domain.organisations.models import User
from security import audit

from .identity import Identity, identities_of, identity_of, matching_identity
from .models import ACTIVE_STATUSES, Substitution, WorkItem, WorkItemCandidate, WorkItemStatus

OVERDUE_EVENT = "tasks.overdue"


@dataclass(frozen=True)
class Actor:
    """Who acts on an item: ``user`` himself, or ``user`` for ``on_behalf_of`` (a substitute)."""

    user: User
    on_behalf_of: User | None = None


def _require_active(item: WorkItem) -> None:
    if item.status not in ACTIVE_STATUSES:
        raise ConflictError(f"该事项已{item.get_status_display()}，不能再办理。")


def violates_four_eyes(item: WorkItem, user_ids: set[int]) -> bool:
    """True when one of ``user_ids`` completed (or was acted for on) an element ``item`` must be kept apart from."""
    if not item.four_eyes or not user_ids:
        return False
    done = WorkItem.objects.filter(
        instance_id=item.instance_id, element_id__in=item.four_eyes, status=WorkItemStatus.COMPLETED
    ).values_list("completed_by_id", "completed_for_id")
    return any(uid in user_ids for row in done for uid in row if uid)


def _check_four_eyes(item: WorkItem, actor: Actor) -> None:
    ids = {actor.user.pk} | ({actor.on_behalf_of.pk} if actor.on_behalf_of else set())
    if violates_four_eyes(item, ids):
        raise PermissionDeniedError("根据审批回避（四眼原则），您已办理本案前一环节，不能再办理本环节。")


def _principal(identity: Identity, user: User) -> User | None:
    if identity.user_id == user.pk:
        return None
    return User.objects.get(pk=identity.user_id)


def resolve_actor(item: WorkItem, user: User) -> Actor:
    """Who ``user`` acts as on ``item``, or :class:`PermissionDeniedError` when not allowed to act at all."""
    _require_active(item)
    identities = identities_of(user)
    if item.status == WorkItemStatus.CLAIMED:
        if item.assignee_id == user.pk:
            return Actor(user)
        for identity in identities[1:]:
            if identity.user_id == item.assignee_id:
                return Actor(user, _principal(identity, user))
        holder = item.assignee.display_name if item.assignee else "他人"
        raise PermissionDeniedError(f"该事项已由{holder}认领，您不能办理。")
    match = matching_identity(item, identities)
    if match is None:
        raise PermissionDeniedError("您不是该事项的候选办理人，不能办理。")
    return Actor(user, _principal(match, user))


def check_can_complete(item: WorkItem, user: User) -> User | None:
    """Raise unless ``user`` may complete ``item`` now; return the principal ``user`` acts for (or ``None``)."""
    actor = resolve_actor(item, user)
    _check_four_eyes(item, actor)
    return actor.on_behalf_of


def _set_candidates_active(item: WorkItem, active: bool) -> None:
    WorkItemCandidate.objects.filter(item=item).update(active=active)


@transaction.atomic
def claim(item: WorkItem, *, user: User) -> WorkItem:
    """Take an open item (认领). Atomic: of two people claiming at once, the second gets a 409."""
    if item.status == WorkItemStatus.CLAIMED and item.assignee_id == user.pk:
        return item
    if item.status == WorkItemStatus.CLAIMED:
        name = item.assignee.display_name if item.assignee else "他人"
        raise ConflictError(f"该事项已由{name}认领。")
    actor = resolve_actor(item, user)
    _check_four_eyes(item, actor)
    now = timezone.now()
    holder = actor.on_behalf_of or user  # a substitute claims into the principal's queue, acting for them
    updated = WorkItem.objects.filter(pk=item.pk, status=WorkItemStatus.OPEN).update(
        status=WorkItemStatus.CLAIMED, assignee=holder, claimed_at=now
    )
    if not updated:
        raise ConflictError("该事项刚刚已被他人认领。")
    item.status, item.assignee, item.claimed_at = WorkItemStatus.CLAIMED, holder, now
    _set_candidates_active(item, False)
    audit.record(
        action="tasks.claimed",
        actor=user,
        on_behalf_of=actor.on_behalf_of,
        subject=item,
        summary=f"认领「{item.name}」",
    )
    return item


@transaction.atomic
def unclaim(item: WorkItem, *, user: User) -> WorkItem:
    """Give a claimed item back to the candidate pool (退回待认领)."""
    _require_active(item)
    if item.status != WorkItemStatus.CLAIMED:
        raise ConflictError("该事项尚未被认领。")
    actor = resolve_actor(item, user)
    updated = WorkItem.objects.filter(
        pk=item.pk, status=WorkItemStatus.CLAIMED, assignee=item.assignee_id
    ).update(status=WorkItemStatus.OPEN, assignee=None, claimed_at=None)
    if not updated:
        raise ConflictError("该事项状态已变化，请刷新后重试。")
    item.status, item.assignee, item.claimed_at = WorkItemStatus.OPEN, None, None
    _set_candidates_active(item, True)
    audit.record(
        action="tasks.unclaimed",
        actor=user,
        on_behalf_of=actor.on_behalf_of,
        subject=item,
        summary=f"退回「{item.name}」",
    )
    return item


@transaction.atomic
def delegate(item: WorkItem, *, user: User, to: User) -> WorkItem:
    """Hand the item to another candidate (转办). The new holder must be a candidate not barred by four-eyes."""
    actor = resolve_actor(item, user)
    if not to.is_active:
        raise ProcedureError("转办对象账户已停用。")
    if to.pk == user.pk:
        raise ProcedureError("不能转办给自己。")
    if matching_identity(item, [identity_of(to)]) is None:
        raise ProcedureError(
            f"{to.display_name}不是本环节的候选办理人，不能转办。", errors={"to": ["不是候选办理人"]}
        )
    if violates_four_eyes(item, {to.pk}):
        raise ProcedureError(f"{to.display_name}已办理本案前一环节（四眼原则），不能转办给其办理。")
    previous = item.assignee_id
    updated = WorkItem.objects.filter(pk=item.pk, status=item.status, assignee=previous).update(
        status=WorkItemStatus.CLAIMED, assignee=to, claimed_at=timezone.now()
    )
    if not updated:
        raise ConflictError("该事项状态已变化，请刷新后重试。")
    item.refresh_from_db()
    _set_candidates_active(item, False)
    audit.record(
        action="tasks.delegated",
        actor=user,
        on_behalf_of=actor.on_behalf_of,
        subject=item,
        summary=f"将「{item.name}」转办给{to.display_name}",
        data={"from": previous, "to": to.pk},
    )
    return item


@transaction.atomic
def save_draft(item: WorkItem, *, user: User, data: dict[str, Any]) -> WorkItem:
    """Keep unfinished form data (暂存); not validated until completion. The trail records who saved a draft of
    which fields, not what they typed (that is checked and recorded on completion)."""
    actor = resolve_actor(item, user)
    item.draft = data
    item.save(update_fields=["draft"])
    audit.record(
        action="tasks.draft_saved",
        actor=user,
        on_behalf_of=actor.on_behalf_of,
        subject=item,
        summary=f"暂存「{item.name}」",
        data={"fields": sorted(str(k) for k in data) if isinstance(data, dict) else []},
    )
    return item


@transaction.atomic
def set_substitute(
    *, principal: User, substitute: User, starts_on: date, ends_on: date, reason: str = "", acting_user: User
) -> Substitution:
    """Name a substitute (设置代理人) for a date range; the substitute sees and may act on the principal's items."""
    if acting_user.pk != principal.pk and not acting_user.is_sysadmin:
        raise PermissionDeniedError("只能为自己设置代理人。")
    if substitute.pk == principal.pk:
        raise ProcedureError("代理人不能是本人。", errors={"substitute": ["代理人不能是本人"]})
    if ends_on < starts_on:
        raise ProcedureError("结束日期不能早于开始日期。", errors={"ends_on": ["结束日期不能早于开始日期"]})
    if principal.organisation_id != substitute.organisation_id:
        raise ProcedureError("代理人须为本单位人员。", errors={"substitute": ["代理人须为本单位人员"]})
    sub = Substitution.objects.create(
        principal=principal, substitute=substitute, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    audit.record(
        action="tasks.substitute_set",
        actor=acting_user,
        subject=sub,
        summary=f"设置代理人{substitute.display_name}（{starts_on}至{ends_on}）",
    )
    return sub


@transaction.atomic
def set_due(
    item: WorkItem, *, due_at: datetime | None, acting_user: User | None = None, reason: str = ""
) -> WorkItem:
    """Change an item's due date (调整办理期限), e.g. time not counted while a hearing or expert review runs."""
    before = item.due_at
    item.due_at = due_at
    item.escalated_at = None if due_at is None or due_at > timezone.now() else item.escalated_at
    item.save(update_fields=["due_at", "escalated_at"])
    WorkItemCandidate.objects.filter(item=item).update(due_at=due_at)
    audit.record(
        action="tasks.due_changed",
        actor=acting_user,
        subject=item,
        summary=f"调整「{item.name}」办理期限" + (f"：{reason}" if reason else ""),
        before={"due_at": before},
        after={"due_at": due_at},
    )
    return item


def escalate_overdue(*, now: datetime | None = None) -> list[WorkItem]:
    """Escalate (超期督办) every active item past its due date, once: audit record + ``tasks.overdue`` event."""
    from integrations import events

    moment = now or timezone.now()
    escalated: list[WorkItem] = []
    with transaction.atomic():
        due = (
            WorkItem.objects.select_for_update(skip_locked=True)
            .filter(status__in=ACTIVE_STATUSES, due_at__lt=moment, escalated_at__isnull=True)
            .order_by("due_at")[:500]
        )
        for item in due:
            item.escalated_at = moment
            item.save(update_fields=["escalated_at"])
            audit.record(
                action=OVERDUE_EVENT,
                subject=item,
                summary=f"「{item.name}」已超过办理期限",
                data={"due_at": item.due_at},
            )
            events.publish(
                OVERDUE_EVENT,
                {
                    "work_item_id": item.pk,
                    "instance_id": item.instance_id,
                    "name": item.name,
                    "process_key": item.process_key,
                    "district_code": item.district_code,
                    "assignee_id": item.assignee_id,
                    "due_at": item.due_at,
                },
                subject=item,
                key=f"{OVERDUE_EVENT}:{item.pk}",
            )
            escalated.append(item)
    return escalated
