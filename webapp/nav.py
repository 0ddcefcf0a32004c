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


@cache
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
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
        items.extend(getattr(nav, "ITEMS", ()))
    return tuple(sorted(items, key=lambda i: (i.order, i.label)))


def items_for(user: Any) -> list[dict[str, str]]:
    visible = []
    authenticated = getattr(user, "is_authenticated", False)
    roles = user.role_codes() if authenticated else frozenset()
    for item in all_items():
        if not authenticated and not item.public:
            continue
        if authenticated and item.roles and not (roles & item.roles) and not user.is_superuser:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append({"label": item.label, "url": url, "icon": item.icon})
    return visible


def navigation(request: HttpRequest) -> dict[str, Any]:
    items = items_for(request.user)
    path = request.path
    for item in items:
        item["active"] = "1" if (item["url"] != "/" and path.startswith(item["url"])) or path == item["url"] else ""
    return {"nav_items": items, "demo": settings.DEMO}
