"""Cockpit panels for safety-management staff: certificates in force by class and by state, automatic decisions."""

from __future__ import annotations

from typing import Any

from domain.personnel import selectors
from domain.personnel.models import CertificateEvent, CertificateState
from webapp.cockpit.panels import Panel


def panels(user: Any) -> list[Panel]:
    stats = selectors.statistics(user)
    labels = dict(CertificateState.choices)
    by_state = sorted(stats["by_state"].items())
    automatic = CertificateEvent.objects.filter(
        automatic=True, certificate__in=selectors.certificates_visible_to(user).values("pk")
    ).count()
    return [
        Panel("安管人员证书", "number", value=stats["total"], unit="本", order=30, link="/personnel/query/"),
        Panel("自动决定事项", "number", value=automatic, unit="件", order=31, link="/personnel/query/"),
        Panel("安管人员证书（按类别）", "bar", sorted(stats["by_class"]), [stats["by_class"][k] for k in sorted(stats["by_class"])], order=32),
        Panel("安管人员证书（按状态）", "pie", [labels.get(k, k) for k, _ in by_state], [n for _, n in by_state], order=33),
    ]
