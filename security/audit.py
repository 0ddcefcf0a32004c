"""The single entry point for writing the audit trail: :func:`record`.

Call it inside the same ``transaction.atomic`` block as the change it describes, so a rolled-back operation
leaves no audit record and a committed one always has one. Every event is linked into the HMAC-SM3 hash chain
(:mod:`security.chain`); ``manage.py verify_audit`` checks it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from . import chain
from .context import current_request_id
from .fields import SensitiveStr
from .models import AuditEvent


def _json_safe(value: Any) -> Any:
    if isinstance(value, SensitiveStr):
        return value.masked  # personal data stays masked in the trail
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    return str(value)


def record(
    *,
    action: str,
    actor: Any = None,
    on_behalf_of: Any = None,
    subject: models.Model | None = None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. ``actor`` is the user who acted (``None`` for the system)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_username=getattr(actor, "username", "") if actor else "",
        on_behalf_of=on_behalf_of,
        summary=summary,
        before=_json_safe(before) if before is not None else None,
        after=_json_safe(after) if after is not None else None,
        data=_json_safe(data or {}),
        request_id=current_request_id() or "",
        occurred_at=timezone.now(),
    )
    if subject is not None:
        event.subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
        event.subject_id = str(subject.pk)
        event.subject_repr = str(subject)[:255]
    return chain.append(event)


def history_for(subject: models.Model) -> models.QuerySet[AuditEvent]:
    """Audit events about one subject, oldest first."""
    ctype = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return (
        AuditEvent.objects.filter(subject_type=ctype, subject_id=str(subject.pk))
        .select_related("actor", "on_behalf_of")
        .order_by("id")
    )
