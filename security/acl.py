"""Integrity of access-control data (访问控制信息完整性, GB/T 39786 item b): every user↔role (group) assignment
made through the application is sealed with HMAC-SM3; :func:`verify_assignments` finds rows added, altered or
removed directly in the database.

Sealing hooks the ORM (``m2m_changed`` on ``User.groups`` and a group rename), so every path that goes through
Django — services, admin, demo loader — seals automatically; a raw SQL insert does not, and is reported.

The same hooks write the audit trail: every account created, every role granted or withdrawn, and every change of a
user's or an organisation's fields that decide what a user may see (organisation, superuser/staff/active flags; an
organisation's kind, district and parent), with who made it when it was made in a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .context import current_user
from .crypto import constant_time_equal, hmac_sm3, key_id_for
from .models import RoleAssignmentSeal

PURPOSE = "acl"


def _message(user_id: int, group_id: int, group_name: str) -> str:
    return f"role-assignment|{user_id}|{group_id}|{group_name}"


def seal(user_id: int, group: Group) -> None:
    key_id = key_id_for(PURPOSE)
    RoleAssignmentSeal.objects.update_or_create(
        user_id=user_id,
        group_id=group.pk,
        defaults={"mac": hmac_sm3(key_id, _message(user_id, group.pk, group.name)), "key_id": key_id},
    )


def unseal(user_id: int, group_ids: Any = None) -> None:
    qs = RoleAssignmentSeal.objects.filter(user_id=user_id)
    if group_ids is not None:
        qs = qs.filter(group_id__in=list(group_ids))
    qs.delete()


@dataclass(frozen=True)
class AclIssue:
    user_id: int
    username: str
    group: str
    problem: str

    def __str__(self) -> str:
        return f"用户 {self.username}（id {self.user_id}）角色 {self.group}：{self.problem}"


def verify_assignments() -> list[AclIssue]:
    """Every assignment must have a valid seal and every seal an assignment."""
    through = get_user_model().groups.through
    names = dict(Group.objects.values_list("id", "name"))
    users = dict(get_user_model().objects.values_list("id", "username"))
    seals = {(s.user_id, s.group_id): s for s in RoleAssignmentSeal.objects.all()}
    issues: list[AclIssue] = []
    for user_id, group_id in through.objects.values_list("user_id", "group_id"):
        sealed = seals.pop((user_id, group_id), None)
        name = names.get(group_id, "?")
        if sealed is None:
            issues.append(AclIssue(user_id, users.get(user_id, "?"), name, "角色分配未经系统授权（数据库中直接添加）。"))
            continue
        try:
            expected = hmac_sm3(sealed.key_id, _message(user_id, group_id, name))
        except LookupError:
            expected = ""
        if not constant_time_equal(expected, sealed.mac):
            issues.append(AclIssue(user_id, users.get(user_id, "?"), name, "校验码不符（角色或分配被直接修改）。"))
    for (user_id, group_id), _seal in seals.items():
        issues.append(
            AclIssue(user_id, users.get(user_id, "?"), names.get(group_id, "?"), "角色分配被绕过系统直接删除。")
        )
    return issues


def reseal_all() -> int:
    """Accept the current assignments as authorised (after an administrator has reviewed the findings)."""
    through = get_user_model().groups.through
    groups = {g.pk: g for g in Group.objects.all()}
    with transaction.atomic():
        RoleAssignmentSeal.objects.all().delete()
        rows = list(through.objects.values_list("user_id", "group_id"))
        for user_id, group_id in rows:
            seal(user_id, groups[group_id])
    return len(rows)


def on_groups_changed(sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kw: Any) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:  # user.groups.add(group, …)
        if action == "post_add":
            groups = list(Group.objects.filter(pk__in=pk_set))
            for group in groups:
                seal(instance.pk, group)
            _record_roles(instance, granted=groups)
        elif action == "post_remove":
            unseal(instance.pk, pk_set)
            _record_roles(instance, withdrawn=list(Group.objects.filter(pk__in=pk_set)))
        else:
            _record_roles(instance, withdrawn=list(instance.groups.all()))
            unseal(instance.pk)
        return
    # group.user_set.add(user, …)
    users = get_user_model().objects.filter(pk__in=list(pk_set or ()))
    if action == "post_add":
        for user_id in pk_set:
            seal(user_id, instance)
        for user in users:
            _record_roles(user, granted=[instance])
    elif action == "post_remove":
        RoleAssignmentSeal.objects.filter(group=instance, user_id__in=list(pk_set)).delete()
        for user in users:
            _record_roles(user, withdrawn=[instance])
    else:
        for user in instance.user_set.all():
            _record_roles(user, withdrawn=[instance])
        RoleAssignmentSeal.objects.filter(group=instance).delete()


def _record_roles(user: Any, *, granted: list[Group] | None = None, withdrawn: list[Group] | None = None) -> None:
    from . import audit

    granted, withdrawn = granted or [], withdrawn or []
    if not granted and not withdrawn:
        return
    parts = [f"授予角色 {'、'.join(g.name for g in granted)}" if granted else "",
             f"撤销角色 {'、'.join(g.name for g in withdrawn)}" if withdrawn else ""]
    audit.record(
        action="security.roles_changed",
        actor=current_user(),
        subject=user,
        summary=f"{user.username}：{'；'.join(p for p in parts if p)}",
        data={"granted": sorted(g.name for g in granted), "withdrawn": sorted(g.name for g in withdrawn)},
    )


# the fields that decide what a user may see and do (domain.organisations.scoping)
USER_SCOPE_FIELDS = ("organisation_id", "is_superuser", "is_staff", "is_active")
ORGANISATION_SCOPE_FIELDS = ("kind", "district_id", "parent_id")
_BEFORE = "_jianguan_scope_before"


def on_scope_pre_save(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kw: Any) -> None:
    """Remember the stored values of the scope-deciding fields of a user or an organisation about to change."""
    fields = USER_SCOPE_FIELDS if sender is get_user_model() else ORGANISATION_SCOPE_FIELDS
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {f.removesuffix("_id") for f in fields} & {
        f.removesuffix("_id") for f in update_fields
    }:
        return  # e.g. a login's last_login update
    stored = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
    if stored is not None:
        setattr(instance, _BEFORE, stored)


def on_scope_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any) -> None:
    from . import audit

    before = instance.__dict__.pop(_BEFORE, None)
    is_user = sender is get_user_model()
    if created and is_user and not raw:  # an account, whichever way it was made (admin, createsuperuser, code)
        audit.record(
            action="security.user_created",
            actor=current_user(),
            subject=instance,
            summary=f"创建用户 {instance.username}" + ("（超级管理员）" if instance.is_superuser else ""),
            after={f: getattr(instance, f) for f in USER_SCOPE_FIELDS},
        )
        return
    if raw or created or before is None:
        return
    changed = {f: (before[f], getattr(instance, f)) for f in before if before[f] != getattr(instance, f)}
    if not changed:
        return
    audit.record(
        action="security.user_scope_changed" if is_user else "security.organisation_scope_changed",
        actor=current_user(),
        subject=instance,
        summary=("用户" if is_user else "单位") + f"权限范围变更：{'、'.join(changed)}",
        before={f: old for f, (old, _new) in changed.items()},
        after={f: new for f, (_old, new) in changed.items()},
    )


def on_group_saved(sender: Any, instance: Group, created: bool, **kw: Any) -> None:
    if created:
        return
    for user_id in RoleAssignmentSeal.objects.filter(group=instance).values_list("user_id", flat=True):
        seal(user_id, instance)
