"""Cockpit panels for contracts: contracts by state, announced contract value by district, open objections and
flagged payments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from domain.contracts import selectors
from domain.contracts.models import ContractState
from domain.contracts.models.contract import EFFECTIVE_STATES
from webapp.cockpit.panels import Panel


def panels(user: Any) -> list[Panel]:
    visible = selectors.contracts_visible_to(user)
    labels = dict(ContractState.choices)
    by_state = list(visible.values("state").annotate(n=Count("id")).order_by("state"))
    by_district = list(visible.filter(state__in=EFFECTIVE_STATES).values("project__district__name")
                       .annotate(total=Sum("price")).order_by("project__district__name"))
    flagged = sum(1 for row in selectors.payment_supervision(user) if row["flags"])
    return [
        Panel("公示中的合同", "number", value=visible.filter(state__in=("under_public_notice", "objection_pending")).count(),
              unit="份", order=30, link="/contracts/notices/"),
        Panel("待处理合同异议", "number", value=selectors.open_objections_for(user).count(), unit="件", order=31,
              link="/contracts/officer/"),
        Panel("进度款监管提示", "number", value=flagged, unit="期", order=32, link="/contracts/officer/"),
        Panel("合同状态分布", "pie", [labels.get(r["state"], r["state"]) for r in by_state], [r["n"] for r in by_state],
              order=40),
        Panel("已公告合同价款（万元，按区）", "bar", [r["project__district__name"] for r in by_district],
              [float((r["total"] or Decimal(0)) / 10000) for r in by_district], order=41),
    ]
