"""Cockpit panels for construction cranes: machines in use, by state, inspections expiring within 30 days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from domain.machinery import selectors
from domain.machinery.models import MachineState, RegistrationState
from webapp.cockpit.panels import Panel


def panels(user: Any) -> list[Panel]:
    labels = dict(MachineState.choices)
    by_state = {
        r["state"]: r["n"]
        for r in selectors.machines_visible_to(user).order_by().values("state").annotate(n=Count("id", distinct=True))
    }
    soon = timezone.localdate() + timedelta(days=30)
    expiring = (
        selectors.registrations_visible_to(user)
        .filter(state=RegistrationState.APPROVED, inspection_valid_until__lte=soon)
        .count()
    )
    return [
        Panel("在用起重机械", "number", value=by_state.get(MachineState.REGISTERED_IN_USE, 0), unit="台", order=40,
              link="/machinery/in-use/"),
        Panel("30日内检验到期", "number", value=expiring, unit="台", order=41,
              link="/machinery/in-use/?inspection=due"),
        Panel("起重机械（按状态）", "pie", [labels[s] for s in by_state], [float(n) for n in by_state.values()], order=42),
    ]
