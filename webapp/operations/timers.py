"""Timers and message waits (定时与消息) for administrators: is the timer sweep keeping up, how late did timers fire,
and which cases wait for what.

The sweep (``flows/timer_sweep.py``, every minute) fires due timers; a timer of a running case still pending well after
its due time means the sweep is not running (Prefect down) — the page says so at the top. Timers of suspended or
failed cases wait for the resume or retry by design and are counted apart."""

from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from processes.engine.events import HELD, RUNNABLE
from processes.models import HeldMessage, MessageSubscription, ProcessTimer, TimerStatus
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text, text_or_id

from .controls import require_operator

PAGE_SIZE = 30
STALE_AFTER = timedelta(minutes=5)  # the sweep runs every minute: a timer pending this long after its due time is stuck
LATENESS_WINDOW = timedelta(hours=24)
LATENESS_SAMPLE = 10_000  # fired timers read for the lateness figures (the latest ones)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * share + 0.5) - 1))]


def sweep_health(now: Any = None) -> dict[str, Any]:
    """What the top of the page says: pending timers, those stuck past :data:`STALE_AFTER` on running cases (and the
    oldest due time among them), those held by suspended or failed cases, and the lateness of the last 24 hours."""
    now = now or timezone.now()
    pending = ProcessTimer.objects.filter(status=TimerStatus.PENDING)
    stuck = pending.filter(due_at__lt=now - STALE_AFTER, instance__status__in=RUNNABLE).aggregate(
        n=Count("id"), oldest=Min("due_at"))
    late: list[float] = [
        seconds for seconds in ProcessTimer.objects.filter(status=TimerStatus.FIRED, fired_at__gte=now - LATENESS_WINDOW,
                                    lateness_seconds__isnull=False)
        .order_by("-fired_at").values_list("lateness_seconds", flat=True)[:LATENESS_SAMPLE]
        if seconds is not None
    ]
    return {
        "pending": pending.count(),
        "due_soon": pending.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=24)).count(),
        "stuck": stuck["n"],
        "stuck_since": stuck["oldest"],
        "held": pending.filter(instance__status__in=HELD).count(),
        "fired_24h": len(late),
        "lateness_p50": statistics.median(late) if late else None,
        "lateness_p95": _percentile(late, 0.95) if late else None,
        "lateness_max": max(late) if late else None,
    }


@login_required
def timers(request: HttpRequest) -> HttpResponse:
    """The timers (pending by default; ``?status=fired|cancelled``, ``?stuck=1`` only the stuck ones, search by case
    number or element) and the message waits grouped by message."""
    user = acting_user(request)
    require_operator(user, "查看定时与消息")
    now = timezone.now()
    status = choice(request, "status", TimerStatus.choices) or TimerStatus.PENDING
    stuck = request.GET.get("stuck") == "1"
    search = search_text(request)
    rows = ProcessTimer.objects.filter(status=status).select_related("instance__definition")
    if stuck:
        rows = rows.filter(status=TimerStatus.PENDING, due_at__lt=now - STALE_AFTER, instance__status__in=RUNNABLE)
    if search:
        rows = rows.filter(text_or_id(search, "element_id", "instance__business_key", id_field="instance_id"))
    rows = rows.order_by("due_at", "id") if status == TimerStatus.PENDING else rows.order_by("-fired_at", "-id")
    page = paginate(request, rows, per_page=PAGE_SIZE,
                    filters={"q": search, "stuck": stuck})
    waits = list(
        MessageSubscription.objects.order_by().values("message_name")
        .annotate(n=Count("id"), oldest=Min("created_at")).order_by("-n", "message_name")[:20]
    )
    return render(request, "operations/timers.html", {
        "health": sweep_health(now), "page": page, "status": status, "statuses": TimerStatus.choices,
        "stuck": stuck, "q": search, "now": now, "stale_minutes": int(STALE_AFTER.total_seconds() // 60),
        "waits": waits, "waiting_total": MessageSubscription.objects.count(), "held": HeldMessage.objects.count(),
    })
