"""Who may act on a contract: the parties' own people, and the regulators of the project's district."""

from __future__ import annotations

from typing import Any

from domain.errors import PermissionDeniedError
from domain.organisations.roles import Role
from domain.organisations.scoping import scope_of

from .models import Contract


def party_of(contract: Contract, user: Any) -> str:
    """``"employer"`` / ``"contractor"`` when ``user`` works for that party, else ``""``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return contract.party_of(user.organisation_id)


def require_party(contract: Contract, user: Any, *parties: str) -> str:
    """The party ``user`` acts for; refuses anyone else (系统/平台管理员 act as the employer)."""
    if user is None:
        return parties[0] if parties else "employer"
    party = party_of(contract, user)
    if party and (not parties or party in parties):
        return party
    labels = {"employer": "发包人", "contractor": "承包人"}
    who = "或".join(labels[p] for p in (parties or ("employer", "contractor")))
    raise PermissionDeniedError(f"只有本合同的{who}可以办理此事项。")


def is_district_officer(contract: Contract, user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_sysadmin:
        return True
    if not user.has_role(Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER):
        return False
    scope = scope_of(user)
    return scope.kind == "all" or (scope.kind == "district" and scope.district_code == contract.project.district_id)


def require_officer(contract: Contract, user: Any) -> None:
    if user is None:  # the system (a timer) acting
        return
    if not is_district_officer(contract, user):
        raise PermissionDeniedError(f"只有{contract.project.district.name}或市级主管部门的经办人员可以办理此事项。")
