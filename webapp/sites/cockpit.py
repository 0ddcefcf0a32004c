"""Cockpit panels for site supervision: general-decoration sites by district, drawn share."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from domain.sites.selectors import sites_visible_to
from webapp.cockpit.panels import Panel


def panels(user: Any) -> list[Panel]:
    rows = list(
        sites_visible_to(user)
        .filter(is_general_decoration=True)
        .values("district__name")
        .annotate(total=Count("id"), drawn=Count("id", filter=Q(drawn=True)))
        .order_by("district__name")
    )
    total = sum(r["total"] for r in rows)
    drawn = sum(r["drawn"] for r in rows)
    return [
        Panel("一般类装饰装修工地", "number", value=total, unit="个", order=10, link="/sites/?general_decoration=1"),
        Panel("本期随机抽中", "number", value=drawn, unit="个", order=11, link="/sites/draws/"),
        Panel("一般类装饰装修工地（按区）", "bar", [r["district__name"] for r in rows], [r["total"] for r in rows], order=20),
    ]
