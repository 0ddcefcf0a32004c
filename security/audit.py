"""The single entry point for writing the audit trail: :func:`record`.

Call it inside the same ``transaction.atomic`` block as the change it describes, so a rolled-back operation
leaves no audit record and a committed one always has one. Every event is linked into the HMAC-SM3 hash chain
(:mod:`security.chain`); ``manage.py verify_audit`` checks it.

Code that records several events in one step of its own (the process engine) may wrap the step in
:func:`batch`: the events are then linked and written together when the step ends, under one chain-head swap and
one multi-row insert. Keep a batch free of savepoints that are rolled back while the step goes on: an event queued
inside one would outlive the change it describes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from . import chain
from .context import current_request_id, current_system_actor, system_actor_username
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


_pending: ContextVar[list[AuditEvent] | None] = ContextVar("audit_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Queue the events recorded inside and write them together at the end (nested batches join the outer one).

    Must run inside the transaction of the change; when the block raises, its queued events are dropped with it.
    """
    if _pending.get() is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.batch() must run inside the transaction of the change it records")
    events: list[AuditEvent] = []
    token = _pending.set(events)
    try:
        yield
    finally:
        _pending.reset(token)
    chain.append_many(events)


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
    """Append one audit event. ``actor`` is the user who acted (``None`` for the system: inside
    :func:`security.context.system_actor` the event names the job or outside system as ``actor_username``).

    Inside :func:`batch` the event is queued and returned unsaved; it is linked and saved when the batch ends.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None:
        username = getattr(actor, "username", "")
    else:
        system = current_system_actor()
        username = system_actor_username(system) if system else ""
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_username=username,
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
    pending = _pending.get()
    if pending is not None:
        pending.append(event)
        return event
    return chain.append(event)


def history_for(subject: models.Model) -> models.QuerySet[AuditEvent]:
    """Audit events about one subject, oldest first."""
    ctype = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return (
        AuditEvent.objects.filter(subject_type=ctype, subject_id=str(subject.pk))
        .select_related("actor", "on_behalf_of")
        .order_by("id")
    )
