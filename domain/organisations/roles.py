"""Roles (角色). Each role is a Django group whose name is the role's code."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ENTERPRISE_OPERATOR = "enterprise_operator", "企业经办人"
    ENTERPRISE_LEGAL = "enterprise_legal", "企业法定代表人"
    SUPERVISING_ENGINEER = "supervising_engineer", "监理工程师"
    APPLICANT = "applicant", "个人申请人"
    CASE_OFFICER = "case_officer", "经办人"
    REVIEWER = "reviewer", "审核人"
    APPROVER = "approver", "审批人"
    LEGAL_REVIEWER = "legal_reviewer", "法制审核人"
    INSPECTOR = "inspector", "监督检查人员"
    LEADER = "leader", "领导"
    SYSADMIN = "sysadmin", "系统管理员"


REGULATOR_ROLES = frozenset(
    {Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.INSPECTOR, Role.LEADER}
)
ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_OPERATOR, Role.ENTERPRISE_LEGAL, Role.SUPERVISING_ENGINEER})


def ensure_role_groups() -> None:
    """Create the group for every role (idempotent)."""
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)
