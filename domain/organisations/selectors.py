"""Reads of the directory."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Organisation, User
from .roles import Role
from .scoping import scope_queryset


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    """Organisations ``user`` may see: regulators see their district's (or all), enterprises themselves."""
    return scope_queryset(
        Organisation.objects.select_related("district"),
        user,
        organisation_fields=("pk",),
        district_field="district",
    )


def users_with_role(role: Role | str, *, district_code: str | None = None) -> QuerySet[User]:
    """Active users holding ``role``; narrowed to a district's regulators when ``district_code`` is given."""
    qs = User.objects.filter(is_active=True, groups__name=str(role)).select_related("organisation")
    if district_code is not None:
        qs = qs.filter(organisation__district_id=district_code)
    return qs.distinct()
