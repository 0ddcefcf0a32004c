"""What the acting user may see: the one visibility rule every selector applies.

* platform administrators, leaders and city-level regulators see everything;
* a district regulator (or a supervision agency of a district) sees records of its district;
* an enterprise user sees records linked to its own organisation;
* anyone else sees nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django.db import models
from django.db.models import Q

from .roles import Role

M = TypeVar("M", bound=models.Model)

ScopeKind = Literal["all", "district", "enterprise", "none"]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    district_code: str | None = None
    organisation_id: int | None = None


def scope_of(user: Any) -> Scope:
    """Classify ``user`` by what it may see."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope("none")
    if user.is_superuser or user.has_role(Role.SYSADMIN, Role.LEADER):
        return Scope("all")
    org = user.organisation
    if org is None or not org.is_active:
        return Scope("none")
    if org.is_regulator:
        if org.district_id is None:
            return Scope("all", organisation_id=org.pk)
        return Scope("district", district_code=org.district_id, organisation_id=org.pk)
    return Scope("enterprise", organisation_id=org.pk)


def visibility_q(
    user: Any,
    *,
    organisation_fields: Sequence[str] = (),
    district_field: str | None = None,
    extra_q: Q | None = None,
) -> Q | None:
    """A ``Q`` restricting a queryset to what ``user`` may see; ``None`` means "everything".

    ``organisation_fields`` are the paths (e.g. ``"employer"``, ``"contractor"``) linking a row to the enterprises
    whose users may see it; ``district_field`` is the path to its district code (e.g. ``"project__district"``).
    ``extra_q`` widens the result (e.g. rows the user created).
    """
    scope = scope_of(user)
    if scope.kind == "all":
        return None
    q = Q(pk__in=[])
    if scope.kind == "district" and district_field:
        q = Q(**{district_field: scope.district_code})
    elif scope.kind == "enterprise" and organisation_fields:
        q = Q()
        for i, field in enumerate(organisation_fields):
            term = Q(**{field: scope.organisation_id})
            q = term if i == 0 else q | term
    if extra_q is not None:
        q = q | extra_q
    return q


def scope_queryset(
    queryset: models.QuerySet[M],
    user: Any,
    *,
    organisation_fields: Sequence[str] = (),
    district_field: str | None = None,
    extra_q: Q | None = None,
) -> models.QuerySet[M]:
    """Restrict ``queryset`` to rows ``user`` may see (see :func:`visibility_q`)."""
    q = visibility_q(
        user, organisation_fields=organisation_fields, district_field=district_field, extra_q=extra_q
    )
    if q is None:
        return queryset
    return queryset.filter(q).distinct() if extra_q is not None else queryset.filter(q)
