"""Outbound messages (外发消息) for administrators: what the transactional outbox still has to send, what it sent, and
what an outside system kept refusing until the retries ran out — with the last error, and a way to send those again
once the cause is fixed (one message, or every failed one of a channel), on the record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from integrations.models import OutboxMessage, OutboxStatus
from integrations.outbox import requeue
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text, text_or_id
from webapp.refusals import attempt

from .controls import REASON_MAX, clean_reason, require_operator

PAGE_SIZE = 30
REQUEUE_MAX = 1000  # failed messages one "send all again" may requeue


def _administrator(request: HttpRequest) -> Any:
    return require_operator(acting_user(request), "查看和重发外发消息")


def _render(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    channels = sorted(OutboxMessage.objects.order_by().values_list("channel", flat=True).distinct())
    channel = choice(request, "channel", channels)
    counted_rows = OutboxMessage.objects.filter(channel=channel) if channel else OutboxMessage.objects.all()
    counted = dict(counted_rows.order_by().values_list("status").annotate(n=Count("id")))
    # the failed ones first; else what is still to send; else what was sent (never an empty page by default)
    default = next((v for v in (OutboxStatus.FAILED, OutboxStatus.PENDING) if counted.get(v)), OutboxStatus.SENT)
    state = choice(request, "status", OutboxStatus.choices) or default
    search = search_text(request)
    rows = counted_rows.filter(status=state)
    if search:
        rows = rows.filter(text_or_id(search, "idempotency_key", "last_error"))
    rows = rows.order_by("-sent_at", "-id") if state == OutboxStatus.SENT else rows.order_by("next_attempt_at", "id")
    page = paginate(request, rows, per_page=PAGE_SIZE, filters={"q": search, "channel": channel})
    return render(request, "operations/outbox.html", {
        "page": page, "state": state, "counts": [(v, label, counted.get(v, 0)) for v, label in OutboxStatus.choices],
        "channels": channels, "channel": channel, "q": search, "reason_max": REASON_MAX,
        "failed_here": counted.get(OutboxStatus.FAILED, 0), "requeue_max": REQUEUE_MAX,
    }, status=status)


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """Messages by status (the failed ones first when there are any), per channel, searchable by id, idempotency
    key or error text."""
    _administrator(request)
    return _render(request)


@login_required
@require_POST
def requeue_messages(request: HttpRequest) -> HttpResponse:
    """Send again: the failed message ``id`` posted, or (``all``) every failed message of the posted channel (all
    channels when none), at most :data:`REQUEUE_MAX`; with a reason on each audit event."""
    user = _administrator(request)

    def run() -> HttpResponse:
        reason = clean_reason(request.POST.get("reason"))
        failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED)
        raw_id = request.POST.get("id", "").strip()
        if raw_id:
            if not raw_id.isdigit() or len(raw_id) > 18:
                raise ValidationError(f"消息编号无效：“{raw_id[:20]}”。")
            targets = list(failed.filter(pk=int(raw_id)))
            if not targets:
                raise Http404("没有这条发送失败的消息（可能已重新排队或已发送）。")
        elif request.POST.get("all") == "1":
            channel = request.POST.get("channel", "").strip()[:100]
            targets = list((failed.filter(channel=channel) if channel else failed).order_by("id")[:REQUEUE_MAX])
            if not targets:
                raise ValidationError("没有发送失败的消息需要重发。")
        else:
            raise ValidationError("请选择要重发的消息。")
        done = sum(requeue(message, acting_user=user, reason=reason) for message in targets)
        messages.success(request, f"已重新排队 {done} 条消息，将在下一次发送（每分钟）时重试。")
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse("operations:outbox") + (f"?{query}" if query else ""))

    return attempt(request, run, lambda status: _render(request, status=status), lead="未能重发：")
