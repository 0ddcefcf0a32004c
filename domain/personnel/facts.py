"""Facts for the decision tables (延续、注销): what the data says about a certificate and its holder."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from .models import SafetyCertificate
from .models.certificates import VALIDITY_YEARS, add_years


def extension_facts(cert: SafetyCertificate) -> dict[str, Any]:
    """延续条件: within the 3 months before expiry, training hours per certificate year (继续教育), no penalty in
    the validity period, the certificate follows the current employer."""
    person = cert.person
    period_start = add_years(cert.valid_to, -VALIDITY_YEARS) if cert.valid_to else cert.issued_on
    trainings = person.trainings.all()
    penalties = person.penalties.all()
    if period_start is not None:
        trainings = trainings.filter(completed_on__gte=period_start)
        penalties = penalties.filter(decided_on__gte=period_start)
    hours = trainings.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    follows = person.employments.filter(ended_on__isnull=True, enterprise_id=cert.employer_id).exists()
    return {
        "in_window": cert.in_extension_window(timezone.localdate()),
        "training_hours": float(hours),
        "training_hours_per_year": round(float(hours) / VALIDITY_YEARS, 2),
        "has_penalty": penalties.exists(),
        "follows_employer": follows,
        "certificate_state": cert.state,
    }
