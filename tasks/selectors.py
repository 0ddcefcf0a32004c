"""Reads of work items (待办查询), always limited to what the user may see or do.

* ``mine``: items claimed by the user (or by someone the user substitutes for today);
* ``available``: open items the user (or a principal) is a candidate for, minus four-eyes exclusions;
* ``all``: every item the user may see: their own work plus, by the visibility rule, their district's items
  (regulators), their enterprise's cases (enterprises), everything (city level, leaders).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import connections
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from domain.errors import NotVisibleError
from domain.organisations.scoping import visibility_q

from .identity import Identity, candidate_branches, candidate_q, identities_of
from .listing import ItemList, Source
from .models import ACTIVE_STATUSES, WorkItem, WorkItemCandidate, WorkItemExclusion, WorkItemStatus

Scope = Literal["mine", "available", "all", "todo"]
SCOPES: tuple[str, ...] = ("mine", "available", "all", "todo")  # todo = mine + available
DUE_SOON = timedelta(days=3)


def candidate_match(identities: list[Identity]) -> Q:
    q = Q()
    for identity in identities:
        q |= candidate_q(identity)
    return q


def _mine_q(identities: list[Identity]) -> Q:
    return Q(status=WorkItemStatus.CLAIMED, assignee_id__in=[i.user_id for i in identities])


def open_candidates(identities: list[Identity], user_id: int) -> QuerySet[WorkItemCandidate]:
    """Candidate rows of open items the identities may take, minus the user's four-eyes exclusions."""
    excluded = WorkItemExclusion.objects.filter(user_id=user_id).values("item_id")
    return WorkItemCandidate.objects.filter(candidate_match(identities), active=True).exclude(
        item_id__in=excluded
    )


def open_candidate_branches(identities: list[Identity], user_id: int) -> list[QuerySet[WorkItemCandidate]]:
    """The same rows as :func:`open_candidates`, one queryset per partial index, for a ``UNION`` whose branches
    are index-only scans (an ``OR`` would make PostgreSQL visit the heap for every matching row)."""
    excluded = WorkItemExclusion.objects.filter(user_id=user_id).values("item_id")
    return [
        WorkItemCandidate.objects.filter(branch, active=True).exclude(item_id__in=excluded)
        for identity in identities
        for branch in candidate_branches(identity)
    ]


def _union(branches: list[QuerySet[Any, Any]]) -> QuerySet[Any, Any]:
    return branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0].distinct()


@dataclass(frozen=True)
class Filters:
    process: str = ""
    search: str = ""
    overdue: bool | None = None
    due_soon: bool = False
    status: str = ""

    def on_items(self, qs: QuerySet[Any, Any], now: datetime, prefix: str = "") -> QuerySet[Any, Any]:
        if self.process:
            qs = qs.filter(**{f"{prefix}process_key": self.process})
        if self.search:
            qs = qs.filter(
                Q(**{f"{prefix}name__icontains": self.search})
                | Q(**{f"{prefix}summary__icontains": self.search})
                | Q(**{f"{prefix}business_key__icontains": self.search})
            )
        return qs

    def on_due(self, qs: QuerySet[Any], now: datetime) -> QuerySet[Any]:
        if self.overdue is not None:
            qs = qs.filter(due_at__lt=now) if self.overdue else qs.exclude(due_at__lt=now)
        if self.due_soon:
            qs = qs.filter(due_at__gte=now, due_at__lt=now + DUE_SOON)
        return qs

    @property
    def by_due(self) -> bool:
        return bool(self.overdue or self.due_soon)


def count_items(
    branches: list[QuerySet[WorkItemCandidate]], *, single_identity: bool, due: dict[str, Q] | None = None
) -> dict[str, int]:
    """Distinct items among the branches' rows, in one query over ``UNION ALL`` of index-only scans:
    ``{"n": all of them, <name>: those whose row also meets the condition due[<name>]}``.

    Only rows marked ``multi`` (the item is offered to several roles) can repeat for one person, so the rest are
    counted without de-duplication; with substitutes (several identities) everything is de-duplicated."""
    due = due or {}
    flags = {
        f"c_{name}": Case(When(cond, then=Value(1)), default=Value(0), output_field=IntegerField())
        for name, cond in due.items()
    }
    parts = [b.annotate(**flags).values_list("item_id", "multi", *flags) for b in branches]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    sql, params = union.query.get_compiler(using=union.db).as_sql()
    selects = []
    for test in ["1 = 1", *(f"s.c_{name} = 1" for name in due)]:
        if single_identity:
            selects.append(
                f"COUNT(CASE WHEN {test} AND NOT s.multi THEN 1 END)"
                f" + COUNT(DISTINCT CASE WHEN {test} AND s.multi THEN s.item_id END)"
            )
        else:
            selects.append(f"COUNT(DISTINCT CASE WHEN {test} THEN s.item_id END)")
    with connections[union.db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)} FROM ({sql}) s", params)  # noqa: S608 - no user text
        row = cursor.fetchone()
    return dict(zip(["n", *due], (int(v or 0) for v in row), strict=True))


def _available_source(identities: list[Identity], user_id: int, f: Filters, now: datetime) -> Source:
    branches = [
        f.on_due(f.on_items(b, now, prefix="item__"), now)
        for b in open_candidate_branches(identities, user_id)
    ]
    order = ("due_at", "item_id") if f.by_due else ("-created_at", "-item_id")
    keys = [b.order_by(*order).values_list(order[0].lstrip("-"), "item_id") for b in branches]
    return Source(keys=keys, count=lambda: count_items(branches, single_identity=len(identities) == 1)["n"])


def _items_source(qs: QuerySet[WorkItem], f: Filters, now: datetime) -> Source:
    qs = f.on_due(f.on_items(qs, now), now)
    if f.overdue or f.due_soon:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    order = ("due_at", "pk") if f.by_due else ("-created_at", "-pk")
    return Source(keys=[qs.order_by(*order).values_list(order[0].lstrip("-"), "pk")], count=qs.count)


def inbox_list(
    user: Any,
    scope: str = "mine",
    *,
    filters: Filters | None = None,
    now: datetime | None = None,
    identities: list[Identity] | None = None,
) -> ItemList:
    """One inbox tab as a paginatable list, newest first (overdue/due-soon: earliest due first)."""
    f = filters or Filters()
    moment = now or timezone.now()
    identities = identities if identities is not None else identities_of(user)
    sources: list[Source] = []
    if scope in ("mine", "todo"):
        sources.append(_items_source(WorkItem.objects.filter(_mine_q(identities)), f, moment))
    if scope in ("available", "todo"):
        sources.append(_available_source(identities, user.pk, f, moment))
    if scope == "all":
        qs = visible_items(user, identities=identities)
        sources.append(_items_source(qs.filter(status=f.status) if f.status else qs, f, moment))
    if not sources:
        raise ValueError(scope)
    return ItemList(sources, descending=not f.by_due)


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
    """The same tabs as a queryset (for counts, checks and small lists; pages use :func:`inbox_list`)."""
    f = Filters(process=process, search=search, overdue=overdue, due_soon=due_soon, status=status)
    moment = now or timezone.now()
    identities = identities if identities is not None else identities_of(user)
    available = Q(pk__in=open_candidates(identities, user.pk).values("item_id"))
    if scope == "mine":
        qs = WorkItem.objects.filter(_mine_q(identities))
    elif scope == "available":
        qs = WorkItem.objects.filter(available)
    elif scope == "todo":
        qs = WorkItem.objects.filter(_mine_q(identities) | available)
    elif scope == "all":
        qs = visible_items(user, identities=identities)
        qs = qs.filter(status=status) if status else qs
    else:
        raise ValueError(scope)
    qs = f.on_due(f.on_items(qs, moment), moment)
    if f.by_due:
        return qs.filter(status__in=ACTIVE_STATUSES).order_by("due_at", "id").select_related("assignee")
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
    """Numbers for the inbox tabs and the home card (one query for my items, index-only counts of the rest)."""
    identities = identities if identities is not None else identities_of(user)
    now = timezone.now()
    soon = Q(due_at__gte=now, due_at__lt=now + DUE_SOON)
    mine = WorkItem.objects.filter(_mine_q(identities)).aggregate(
        n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)), soon=Count("pk", filter=soon)
    )
    available = count_items(
        open_candidate_branches(identities, user.pk),
        single_identity=len(identities) == 1,
        due={"overdue": Q(due_at__lt=now), "soon": soon},
    )
    return {
        "mine": mine["n"],
        "available": available["n"],
        "overdue": mine["overdue"] + available["overdue"],
        "due_soon": mine["soon"] + available["soon"],
    }


def items_of_instance(instance_id: int) -> QuerySet[WorkItem]:
    """All work items of one case, oldest first (callers check they may see the case)."""
    return (
        WorkItem.objects.filter(instance_id=instance_id)
        .select_related("assignee", "completed_by", "completed_for")
        .order_by("created_at", "id")
    )


def may_see_item_data(user: Any, item: WorkItem) -> bool:
    """Whether ``user`` may read what was entered on ``item`` (opinions, drafts). Regulators of the case see all
    of it; an enterprise sees only its own steps (the initiator lane) and what it entered — not internal opinions."""
    from domain.organisations.scoping import scope_of

    if scope_of(user).kind in ("all", "district"):
        return True
    if user.pk in (item.assignee_id, item.completed_by_id, item.completed_for_id):
        return True
    return item.lane in ("initiator", "applicant") or item.lane in user.role_codes()
