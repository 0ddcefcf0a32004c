"""Who a user is for the inbox: the user, plus everyone they substitute for today (代理).

A :class:`Identity` is what candidate rows are matched against: roles, district key and organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from domain.organisations.models import User

from .models import CITY, Substitution, WorkItem, WorkItemCandidate


@dataclass(frozen=True)
class Identity:
    user_id: int
    roles: frozenset[str]
    district_key: str | None  # a district code, "city" for a city-level regulator, None otherwise
    organisation_id: int | None


def identity_of(user: Any) -> Identity:
    org = user.organisation
    district_key: str | None = None
    organisation_id: int | None = None
    if org is not None and org.is_active:
        organisation_id = org.pk
        if org.is_regulator:
            district_key = org.district_id or CITY
    return Identity(user.pk, user.role_codes(), district_key, organisation_id)


def principals_of(user: Any, on: date | None = None) -> list[User]:
    """The users ``user`` substitutes for on ``on`` (today by default)."""
    day = on or timezone.localdate()
    ids = Substitution.objects.filter(substitute=user, starts_on__lte=day, ends_on__gte=day).values(
        "principal_id"
    )
    return list(
        User.objects.filter(pk__in=ids, is_active=True)
        .select_related("organisation")
        .prefetch_related("groups")
    )


def _role_codes(user: User) -> frozenset[str]:
    if "groups" in getattr(user, "_prefetched_objects_cache", {}):
        return frozenset(g.name for g in user.groups.all())
    return user.role_codes()


def identities_of(user: Any, *, with_substitutions: bool = True) -> list[Identity]:
    out = [identity_of(user)]
    if with_substitutions:
        for principal in principals_of(user):
            principal._role_codes = _role_codes(principal)
            out.append(identity_of(principal))
    return out


def candidate_branches(identity: Identity, prefix: str = "") -> list[Q]:
    """The ways ``identity`` can match a candidate row, one ``Q`` per partial index (user, role, organisation).

    ``prefix`` is the path to the candidate (e.g. ``"candidates__"``)."""
    branches = [Q(**{f"{prefix}user_id": identity.user_id})]
    roles = sorted(identity.roles)
    if roles:
        districts = ["", identity.district_key] if identity.district_key else [""]
        # organisation- and user-bound rows carry district key ORG, which no user has: no null check needed
        branches.append(Q(**{f"{prefix}group__in": roles, f"{prefix}district_code__in": districts}))
    if identity.organisation_id:
        branches.append(
            Q(**{f"{prefix}organisation_id": identity.organisation_id, f"{prefix}group__in": ["", *roles]})
        )
    return branches


def candidate_q(identity: Identity, prefix: str = "") -> Q:
    """Candidate rows that ``identity`` matches, as one ``Q``."""
    q = Q()
    for branch in candidate_branches(identity, prefix):
        q |= branch
    return q


def matching_identity(item: WorkItem, identities: list[Identity]) -> Identity | None:
    """The first identity (the user before any principal) that is a candidate of ``item``."""
    rows = list(WorkItemCandidate.objects.filter(item=item))
    for identity in identities:
        if any(_matches(row, identity) for row in rows):
            return identity
    return None


def _matches(row: WorkItemCandidate, identity: Identity) -> bool:
    if row.user_id is not None:
        return row.user_id == identity.user_id
    if row.organisation_id is not None:
        return row.organisation_id == identity.organisation_id and (
            row.group == "" or row.group in identity.roles
        )
    if row.group not in identity.roles:
        return False
    return row.district_code == "" or row.district_code == identity.district_key
