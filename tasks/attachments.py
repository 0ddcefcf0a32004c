"""Files uploaded through forms (表单附件): stored, hashed (SHA-256 and SM3) and linked to the case."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from domain.organisations.models import User
from domain.storage import ALLOWED_SUFFIXES
from security import audit

from .forms import attachment_fields
from .models import Attachment, WorkItem

MAX_BYTES = 20 * 1024 * 1024


def sm3_hex(data: bytes) -> str:
    try:
        from security.crypto import sm3_hex as security_sm3
    except ImportError:  # security's crypto module not there yet: gmssl directly (same algorithm)
        from gmssl import func, sm3

        return str(sm3.sm3_hash(func.bytes_to_list(data)))
    return str(security_sm3(data))


@transaction.atomic
def store_attachment(
    upload: UploadedFile,
    *,
    user: User,
    instance_id: int | None = None,
    item: WorkItem | None = None,
    field: str = "",
) -> Attachment:
    """Keep one uploaded file with its digests. Refuses empty, oversized and unexpected file types (400)."""
    name = (upload.name or "附件").rsplit("/", 1)[-1][:255]
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError(
            {field or "file": [f"不支持该文件类型，请上传 {'、'.join(ALLOWED_SUFFIXES)} 文件"]}
        )
    size = upload.size or 0
    if size <= 0 or size > MAX_BYTES:
        raise ValidationError({field or "file": ["文件为空或超过 20 MB"]})
    content = upload.read()
    attachment = Attachment(
        instance_id=instance_id if instance_id is not None else (item.instance_id if item else None),
        work_item=item,
        field=field,
        original_name=name,
        content_type=(upload.content_type or "")[:100],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        sm3=sm3_hex(content),
        uploaded_by=user,
    )
    upload.seek(0)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit.record(
        action="tasks.attachment_uploaded",
        actor=user,
        subject=attachment,
        summary=f"上传附件「{name}」",
        data={"sha256": attachment.sha256, "sm3": attachment.sm3, "instance_id": attachment.instance_id},
    )
    return attachment


def _values_at(data: Any, parts: list[str], prefix: str = "") -> list[tuple[str, Any]]:
    if not parts:
        return [(prefix.rstrip("."), data)]
    head, rest = parts[0], parts[1:]
    if head == "*":
        if not isinstance(data, list):
            return []
        return [pair for i, v in enumerate(data) for pair in _values_at(v, rest, f"{prefix}{i}.")]
    if not isinstance(data, dict) or data.get(head) in (None, ""):
        return []
    return _values_at(data[head], rest, f"{prefix}{head}.")


def referenced_attachments(schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, int]:
    """``{field path: attachment id}`` for every attachment field filled in ``data``."""
    out: dict[str, int] = {}
    for path in attachment_fields(schema):
        for where, value in _values_at(data, path.split(".")):
            if isinstance(value, int) and not isinstance(value, bool):
                out[where] = value
    return out


def link_attachments(item: WorkItem, data: dict[str, Any], *, user: User) -> list[Attachment]:
    """Check every attachment ``data`` names was uploaded by ``user`` (or already belongs to this case), then link
    them to the case and the item. Unknown or foreign ids → ``ValidationError`` on that field."""
    refs = referenced_attachments(item.form, data)
    return link_refs(refs, instance_id=item.instance_id, user=user, item=item)


def link_refs(
    refs: dict[str, int], *, instance_id: int | None, user: User, item: WorkItem | None = None
) -> list[Attachment]:
    if not refs:
        return []
    found = {a.pk: a for a in Attachment.objects.filter(pk__in=set(refs.values()))}
    errors: dict[str, list[str]] = {}
    for where, pk in refs.items():
        a = found.get(pk)
        own = a is not None and (
            a.uploaded_by_id == user.pk or (instance_id and a.instance_id == instance_id)
        )
        foreign_case = a is not None and a.instance_id not in (None, instance_id)
        if not own or foreign_case:
            errors[where] = ["附件不存在或无权使用，请重新上传"]
    if errors:
        raise ValidationError(errors)
    attachments = list(found.values())
    for a in attachments:
        if a.instance_id is None or (item is not None and a.work_item_id is None):
            a.instance_id = instance_id
            a.work_item = a.work_item or item
            a.save(update_fields=["instance_id", "work_item"])
    return attachments
