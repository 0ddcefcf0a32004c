"""Platform-wide panels: activity and the directory."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from domain.organisations.models import Organisation, OrganisationKind
from security.models import AuditEvent

from .panels import Panel


def panels(user: Any) -> list[Panel]:
    since = timezone.now() - dt.timedelta(days=13)
    per_day = dict(
        AuditEvent.objects.filter(occurred_at__gte=since)
        .annotate(day=TruncDate("occurred_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    today = timezone.localdate()
    days = [today - dt.timedelta(days=i) for i in range(13, -1, -1)]
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True).count()
    return [
        Panel("在册企业", "number", value=enterprises, unit="家", order=1),
        Panel("近两周办理量（审计事件）", "line", [d.strftime("%m-%d") for d in days],
              [per_day.get(d, 0) for d in days], order=90),
    ]
