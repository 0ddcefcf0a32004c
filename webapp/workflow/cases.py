"""Reads of cases (process instances, 案件) for the web, limited to what the user may see.

A district regulator sees its district's cases, an enterprise its own (the ones it started), city level and
leaders everything; anyone also sees the cases they started or have worked on.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from domain.errors import NotVisibleError
from domain.organisations.scoping import scope_queryset
from processes.models import ProcessInstance
from tasks.models import WorkItem
from tasks.selectors import visible_items


def visible_instances(user: Any) -> QuerySet[ProcessInstance]:
    worked_on = WorkItem.objects.filter(
        Q(assignee=user) | Q(completed_by=user) | Q(completed_for=user)
    ).values("instance_id")
    return scope_queryset(
        ProcessInstance.objects.all(),
        user,
        organisation_fields=["initiator_org"],
        district_field="district_code",
        extra_q=Q(started_by=user) | Q(pk__in=worked_on),
    )


def get_visible_instance(user: Any, instance_id: int) -> ProcessInstance:
    instance = (
        visible_instances(user)
        .select_related("definition", "started_by", "initiator_org")
        .filter(pk=instance_id)
        .first()
    )
    # a candidate of one of its items may see the case too (e.g. a named assignee from elsewhere)
    if instance is None and visible_items(user).filter(instance_id=instance_id).exists():
        instance = (
            ProcessInstance.objects.select_related("definition", "started_by", "initiator_org")
            .filter(pk=instance_id)
            .first()
        )
    if instance is None:
        raise NotVisibleError("未找到该案件，或您无权查看。")
    return instance


def my_applications(user: Any) -> QuerySet[ProcessInstance]:
    """The cases of the user's enterprise (or, for a person without one, the cases they started)."""
    org_id = getattr(user, "organisation_id", None)
    org = getattr(user, "organisation", None)
    if org_id and org is not None and not org.is_regulator:
        qs = ProcessInstance.objects.filter(Q(initiator_org_id=org_id) | Q(started_by=user))
    else:
        qs = ProcessInstance.objects.filter(started_by=user)
    return qs.select_related("definition").order_by("-started_at", "-id")
