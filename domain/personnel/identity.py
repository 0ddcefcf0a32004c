"""Signing a person in through 一网通办 (实名认证): the verified identity is matched to a Person by ID number
(blind index) and to an applicant account, created on first sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from domain.errors import PermissionDeniedError
from domain.organisations.models import User
from domain.organisations.roles import Role
from integrations.yiwangtongban.client import IdentityError, YiwangtongbanClient
from security import audit

from .services import ensure_person


def sign_in_with_code(*, code: str, client: YiwangtongbanClient | None = None) -> User:
    client = client or YiwangtongbanClient.from_settings()
    try:
        ident = client.identity(code)
    except IdentityError as exc:
        raise PermissionDeniedError("一网通办身份认证失败，请重新登录。" if exc.permanent else "一网通办暂时无法连接，请稍后再试。") from exc
    with transaction.atomic():
        person = ensure_person(name=ident.name, id_number=ident.id_number, phone=ident.phone)
        user: Any = person.user
        if user is None:
            user = User.objects.create(username=f"ywtb_{person.pk}", full_name=ident.name)
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=Role.APPLICANT.value)[0])
            person.user = user
            person.save(update_fields=["user"])
        if not user.is_active:
            raise PermissionDeniedError("该实名身份对应的平台账号已停用，请联系系统管理员。")
        audit.record(action="personnel.signed_in_ywtb", actor=user, subject=person, summary="一网通办实名登录",
                     data={"level": ident.level})
    return user
