"""Who may read decision tables and test them: regulator staff and system administrators."""

from __future__ import annotations

from typing import Any

from domain.organisations.roles import REGULATOR_ROLES, Role

VIEW_ROLES = frozenset({*REGULATOR_ROLES, Role.SYSADMIN})


def can_view(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.has_role(*VIEW_ROLES))


def can_test(user: Any) -> bool:
    """Testing a table with inputs (试算) reads no case data, so the same people who may read it may test it."""
    return can_view(user)


def is_admin(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and (user.is_superuser or user.has_role(Role.SYSADMIN))
    )
