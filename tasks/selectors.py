"""Reads of work items (待办查询), always limited to what the user may see or do.

* ``mine``: items claimed by the user (or by someone the user substitutes for today);
* ``available``: open items the user (or a principal) is a candidate for, minus four-eyes exclusions;
* ``all``: every item the user may see: their own work plus, by the visibility rule, their district's items
  (regulators), their enterprise's cases (enterprises), everything (city level, leaders).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from domain.errors import NotVisibleError
from domain.organisations.scoping import visibility_q

from .identity import Identity, candidate_q, identities_of
from .models import ACTIVE_STATUSES, WorkItem, WorkItemCandidate, WorkItemExclusion, WorkItemStatus

Scope = Literal["mine", "available", "all", "todo"]
SCOPES: tuple[str, ...] = ("mine", "available", "all", "todo")  # todo = mine + available
DUE_SOON = timedelta(days=3)


def _available_ids(identities: list[Identity], user_id: int) -> QuerySet[WorkItemCandidate, Any]:
    q = Q()
    for identity in identities:
        q |= candidate_q(identity)
    return WorkItemCandidate.objects.filter(q, active=True).values("item_id")


def _mine_q(identities: list[Identity]) -> Q:
    return Q(status=WorkItemStatus.CLAIMED, assignee_id__in=[i.user_id for i in identities])


def _available(identities: list[Identity], user_id: int) -> QuerySet[WorkItem]:
    excluded = WorkItemExclusion.objects.filter(item=OuterRef("pk"), user_id=user_id)
    return WorkItem.objects.filter(
        status=WorkItemStatus.OPEN, pk__in=_available_ids(identities, user_id)
    ).exclude(Exists(excluded))


def inbox_for(
    user: Any,
    scope: str = "mine",
    *,
    process: str = "",
    search: str = "",
    overdue: bool | None = None,
    due_soon: bool = False,
    status: str = "",
    now: datetime | None = None,
    identities: list[Identity] | None = None,
) -> QuerySet[WorkItem]:
    """The work items of one inbox tab, newest first (overdue/due-soon tabs: earliest due first)."""
    identities = identities if identities is not None else identities_of(user)
    if scope == "mine":
        qs = WorkItem.objects.filter(_mine_q(identities))
    elif scope == "available":
        qs = _available(identities, user.pk)
    elif scope == "todo":
        qs = WorkItem.objects.filter(
            _mine_q(identities) | Q(pk__in=_available(identities, user.pk).values("pk"))
        )
    elif scope == "all":
        qs = visible_items(user, identities=identities)
        if status:
            qs = qs.filter(status=status)
    else:
        raise ValueError(scope)
    moment = now or timezone.now()
    if process:
        qs = qs.filter(process_key=process)
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(summary__icontains=search) | Q(business_key__icontains=search)
        )
    if overdue is not None:
        late = Q(status__in=ACTIVE_STATUSES, due_at__lt=moment)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if due_soon:
        qs = qs.filter(status__in=ACTIVE_STATUSES, due_at__gte=moment, due_at__lt=moment + DUE_SOON)
    if overdue or due_soon:
        return qs.order_by("due_at", "id").select_related("assignee")
    return qs.order_by("-created_at", "-id").select_related("assignee")


def visible_items(user: Any, *, identities: list[Identity] | None = None) -> QuerySet[WorkItem]:
    """Every work item ``user`` may look at (not necessarily act on)."""
    identities = identities if identities is not None else identities_of(user)
    scope = visibility_q(user, organisation_fields=["initiator_org"], district_field="district_code")
    if scope is None:
        return WorkItem.objects.all()
    own = _mine_q(identities) | Q(completed_by=user) | Q(completed_for_id__in=[i.user_id for i in identities])
    candidate = Q()
    for identity in identities:
        candidate |= candidate_q(identity)
    as_candidate = WorkItemCandidate.objects.filter(candidate).values("item_id")
    return WorkItem.objects.filter(scope | own | Q(pk__in=as_candidate))


def get_visible_item(user: Any, item_id: int) -> WorkItem:
    """One work item ``user`` may see, or :class:`NotVisibleError` (404)."""
    item = (
        visible_items(user)
        .select_related("assignee", "completed_by", "completed_for")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotVisibleError("未找到该事项，或您无权查看。")
    return item


def counts_for(user: Any, *, identities: list[Identity] | None = None) -> dict[str, int]:
    """Numbers for the inbox tabs and the home card, in one query."""
    identities = identities if identities is not None else identities_of(user)
    now = timezone.now()
    mine = _mine_q(identities)
    todo = WorkItem.objects.filter(mine | Q(pk__in=_available(identities, user.pk).values("pk")))
    return todo.aggregate(
        mine=Count("pk", filter=mine),
        available=Count("pk", filter=Q(status=WorkItemStatus.OPEN)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + DUE_SOON)),
    )


def items_of_instance(instance_id: int) -> QuerySet[WorkItem]:
    """All work items of one case, oldest first (callers check they may see the case)."""
    return (
        WorkItem.objects.filter(instance_id=instance_id)
        .select_related("assignee", "completed_by", "completed_for")
        .order_by("created_at", "id")
    )
