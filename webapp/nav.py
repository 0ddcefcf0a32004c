"""Navigation by role. Each page area contributes items from its own ``webapp/<area>/nav.py`` (``ITEMS``), so
adding a module never edits a shared list."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every logged-in user
    order: int = 100
    icon: str = "circle"
    public: bool = False  # also shown to anonymous visitors


#: Menu label of each page area; an area with several visible items becomes a drop-down under this label.
AREA_LABELS = {
    "workflow": "办事",
    "contracts": "合同",
    "enterprises": "企业监管",
    "personnel": "安管人员",
    "machinery": "起重机械",
    "sites": "工地",
    "documents": "文书",
    "decisions": "规则",
    "operations": "运维",
}


@cache
def all_items() -> tuple[tuple[str, NavItem], ...]:
    items: list[tuple[str, NavItem]] = []
    root = Path(__file__).parent
    for mod in pkgutil.iter_modules([str(root)]):
        if not mod.ispkg:
            continue
        try:
            nav = importlib.import_module(f"webapp.{mod.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"webapp.{mod.name}.nav":
                raise
            continue
        items.extend((mod.name, item) for item in getattr(nav, "ITEMS", ()))
    return tuple(sorted(items, key=lambda i: (i[1].order, i[1].label)))


def items_for(user: Any) -> list[dict[str, Any]]:
    """Visible menu entries: plain links, or ``{"label", "children": [...]}`` groups per page area."""
    visible: list[tuple[str, dict[str, Any]]] = []
    authenticated = getattr(user, "is_authenticated", False)
    roles = user.role_codes() if authenticated else frozenset()
    for area, item in all_items():
        if not authenticated and not item.public:
            continue
        if authenticated and item.roles and not (roles & item.roles) and not user.is_superuser:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append((area, {"label": item.label, "url": url, "icon": item.icon}))
    menu: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    per_area: dict[str, int] = {}
    for area, _ in visible:
        per_area[area] = per_area.get(area, 0) + 1
    for area, entry in visible:
        if per_area[area] < 2 or area not in AREA_LABELS:
            menu.append(entry)
            continue
        group = groups.get(area)
        if group is None:
            group = {"label": AREA_LABELS[area], "icon": entry["icon"], "children": []}
            groups[area] = group
            menu.append(group)
        group["children"].append(entry)
    return menu


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = items_for(request.user)
    path = request.path

    urls = [c["url"] for i in items for c in i.get("children", [i])]
    matches = [u for u in urls if path == u or (u != "/" and path.startswith(u))]
    best = max(matches, key=len) if matches else None

    def active(url: str) -> str:
        return "1" if url == best else ""

    for item in items:
        if "children" in item:
            for child in item["children"]:
                child["active"] = active(child["url"])
            item["active"] = "1" if any(c["active"] for c in item["children"]) else ""
        else:
            item["active"] = active(item["url"])
    return {"nav_items": items, "demo": settings.DEMO}
