"""Validity management (有效期管理): the daily sweep of certificates entering the extension window or expiring."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from .events import record_event
from .models import IN_FORCE_STATES, SafetyCertificate
from .models.certificates import EXTENSION_WINDOW_MONTHS, add_months


def sweep_expiry(*, today: date | None = None) -> dict[str, int]:
    """Daily sweep (有效期管理): certificates entering the 3 months before expiry become ``expiring``; those past
    their expiry without extension become ``expired``. Idempotent."""
    today = today or timezone.localdate()
    counts = {"expiring": 0, "expired": 0}
    expired = SafetyCertificate.objects.filter(state__in=IN_FORCE_STATES, valid_to__lt=today).values_list("pk", flat=True)
    for pk in list(expired):
        with transaction.atomic():
            cert = SafetyCertificate.objects.select_for_update().get(pk=pk)
            cert.expire()
            cert.save(update_fields=["state", "updated_at"])
            record_event(cert, kind="expired", summary=f"有效期届满（{cert.valid_to}）未延续，证书失效", automatic=True)
            counts["expired"] += 1
    window_end = add_months(today, EXTENSION_WINDOW_MONTHS)
    expiring = SafetyCertificate.objects.filter(state__in=["valid", "extended"], valid_to__gte=today,
                                                valid_to__lte=window_end).values_list("pk", flat=True)
    for pk in list(expiring):
        with transaction.atomic():
            cert = SafetyCertificate.objects.select_for_update().get(pk=pk)
            if not cert.in_extension_window(today):
                continue
            cert.mark_expiring()
            cert.save(update_fields=["state", "updated_at"])
            record_event(cert, kind="expiring", summary=f"证书将于 {cert.valid_to} 到期，可申请延续", automatic=True)
            counts["expiring"] += 1
    return counts

