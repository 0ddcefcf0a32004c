"""Outbox API: :func:`enqueue` inside the business transaction, delivery after commit with retries.

Channels register a sender::

    @outbox.sender("finance_cloud.project")
    def send_project(message: OutboxMessage) -> dict | None:
        ...  # raise on failure (the message is retried with back-off); return the remote's answer

Nothing is lost when a remote is down: the row stays ``pending`` with its next attempt time, and
``manage.py deliver_outbox`` (or the Prefect flow ``flows.outbox``) resends whatever is due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from security import audit
from security.fields import mask_numbers

from .models import OutboxMessage, OutboxStatus

log = logging.getLogger("jianguan.outbox")

Sender = Callable[[OutboxMessage], dict[str, Any] | None]
_SENDERS: dict[str, Sender] = {}

MAX_ATTEMPTS = 8
BASE_DELAY_SECONDS = 30


class UnknownChannel(LookupError):
    pass


def sender(channel: str) -> Callable[[Sender], Sender]:
    """Register the function that delivers messages of ``channel``."""

    def register(fn: Sender) -> Sender:
        _SENDERS[channel] = fn
        return fn

    return register


def registered_channels() -> list[str]:
    return sorted(_SENDERS)


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt: 30 s, 1 min, 2 min, … capped at 1 hour."""
    return timedelta(seconds=min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def enqueue(
    *,
    channel: str,
    payload: dict[str, Any],
    idempotency_key: str,
    subject: models.Model | None = None,
) -> OutboxMessage:
    """Write a message for ``channel``; delivered after the surrounding transaction commits.

    Enqueuing the same ``idempotency_key`` twice returns the existing message (the remote sees it once)."""
    if channel not in _SENDERS:
        raise UnknownChannel(f"没有注册外发通道 {channel!r}")
    defaults: dict[str, Any] = {"channel": channel, "payload": payload, "next_attempt_at": timezone.now()}
    if subject is not None:
        defaults["subject_type"] = ContentType.objects.get_for_model(subject, for_concrete_model=False)
        defaults["subject_id"] = str(subject.pk)
    message, created = OutboxMessage.objects.get_or_create(idempotency_key=idempotency_key, defaults=defaults)
    if created:
        transaction.on_commit(lambda: _dispatch(message.pk))
    return message


def _dispatch(message_id: int) -> None:
    from .jobs import deliver_outbox_message

    try:
        deliver_outbox_message.delay(message_id)
    except Exception:  # broker unreachable: the sweep will deliver it later
        log.warning("outbox message %s not queued; left for the sweep", message_id, exc_info=True)


def deliver(message_id: int, *, now: datetime | None = None) -> OutboxMessage | None:
    """Try to deliver one message now. Returns it (updated), or ``None`` when another worker holds it or it is
    no longer pending."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return None
        send = _SENDERS.get(message.channel)
        message.attempts += 1
        try:
            if send is None:
                raise UnknownChannel(f"没有注册外发通道 {message.channel!r}")
            response = send(message)
        except Exception as exc:  # any failure of the remote: retry later
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            message.next_attempt_at = now + backoff(message.attempts)
            log.info("outbox %s attempt %s failed: %s", message.pk, message.attempts, message.last_error)
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = now
            message.response = response
            message.last_error = ""
        message.save(
            update_fields=["attempts", "status", "next_attempt_at", "last_error", "sent_at", "response"]
        )
        _audit_attempt(message)
        return message


def _subject(message: OutboxMessage) -> models.Model:
    """What the message is about (the contract, the SMS notice, …), or the message itself."""
    if message.subject_type_id and message.subject_id:
        model = ContentType.objects.get_for_id(message.subject_type_id).model_class()
        found = model._base_manager.filter(pk=message.subject_id).first() if model is not None else None
        if found is not None:
            return found
    return message


def _audit_attempt(message: OutboxMessage) -> None:
    """Every delivery attempt and its outcome on the audit trail, in the transaction that records it."""
    error = mask_numbers(message.last_error)[:300]
    if message.status == OutboxStatus.SENT:
        action, summary = "integrations.sent", f"外发 {message.channel} 成功（第 {message.attempts} 次尝试）"
    elif message.status == OutboxStatus.FAILED:
        action = "integrations.send_failed"
        summary = f"外发 {message.channel} 失败，已尝试 {message.attempts} 次，停止重试：{error}"
    else:
        action = "integrations.send_retrying"
        summary = (f"外发 {message.channel} 失败（第 {message.attempts} 次），"
                   f"{timezone.localtime(message.next_attempt_at):%Y-%m-%d %H:%M} 重试：{error}")
    audit.record(
        action=action,
        subject=_subject(message),
        summary=summary,
        data={"message_id": message.pk, "channel": message.channel, "idempotency_key": message.idempotency_key,
              "attempts": message.attempts, "status": message.status, "error": error},
    )


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Deliver every pending message whose next attempt is due. Safe to run concurrently and repeatedly."""
    now = now or timezone.now()
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    for pk in ids:
        message = deliver(pk, now=now)
        if message is None:
            counts["skipped"] += 1
        elif message.status == OutboxStatus.SENT:
            counts["sent"] += 1
        elif message.status == OutboxStatus.FAILED:
            counts["failed"] += 1
        else:
            counts["retrying"] += 1
    return counts


def requeue(message: OutboxMessage, *, acting_user: Any = None, reason: str = "") -> bool:
    """Give a message that exhausted its attempts another round (an operator action, with its ``reason`` on the
    record). Returns whether it was requeued (only a failed message is)."""
    with transaction.atomic():
        requeued = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if requeued:
            audit.record(
                action="integrations.requeued",
                actor=acting_user,
                subject=_subject(message),
                summary=f"外发 {message.channel} 重新排队发送" + (f"：{reason}" if reason else ""),
                data={"message_id": message.pk, "channel": message.channel,
                      "idempotency_key": message.idempotency_key, "reason": reason},
            )
    return bool(requeued)
