"""个人信息维护: the person's photo and constructor registration number."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from domain.errors import ProcedureError
from security import audit

from .models import Person

REGISTRATION_RE = re.compile(r"^[\u4e00-\u9fff]?[0-9A-Z-]{6,39}$")
PHOTO_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
PHOTO_MAX_BYTES = 2 * 1024 * 1024


def update_profile(*, person: Person, acting_user: Any, photo: Any = None, constructor_registration: str | None = None) -> Person:
    """个人信息维护: the photo (JPEG/PNG, ≤ 2 MB) printed on certificates and the constructor registration number
    (注册建造师注册编号) a B certificate requires."""
    fields: list[str] = []
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if photo is not None:
            head = photo.read(8)
            photo.seek(0)
            kind = next((k for magic, k in PHOTO_TYPES.items() if head.startswith(magic)), None)
            if kind is None:
                raise ProcedureError("照片须为 JPG 或 PNG 图片。")
            if photo.size > PHOTO_MAX_BYTES:
                raise ProcedureError("照片不能超过 2MB。")
            person.photo.save(f"{person.pk}.{kind}", photo, save=False)
            fields.append("photo")
        if constructor_registration is not None:
            value = constructor_registration.strip().upper()
            if value and not REGISTRATION_RE.match(value):
                raise ProcedureError("注册建造师注册编号格式不正确，请核对。")
            person.constructor_registration = value
            fields.append("constructor_registration")
        if not fields:
            raise ProcedureError("没有需要保存的信息。")
        person.save(update_fields=fields)
        audit.record(action="personnel.profile_updated", actor=acting_user, subject=person,
                     summary="更新个人信息：" + "、".join({"photo": "照片", "constructor_registration": "建造师注册编号"}[f] for f in fields))
    return person

