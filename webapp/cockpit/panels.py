"""Cockpit (驾驶舱) panels. Each page area may add panels from ``webapp/<area>/cockpit.py`` (``panels(user)``
returning :class:`Panel` objects); the cockpit renders them as ECharts charts or big numbers."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Panel:
    title: str
    kind: str  # "number" | "bar" | "pie" | "line"
    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    value: float | None = None  # for "number"
    unit: str = ""
    order: int = 100
    link: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "kind": self.kind, "labels": self.labels, "values": self.values,
                "value": self.value, "unit": self.unit, "link": self.link}


def panels_for(user: Any) -> list[Panel]:
    found: list[Panel] = []
    root = Path(__file__).parent.parent
    for mod in pkgutil.iter_modules([str(root)]):
        if not mod.ispkg:
            continue
        try:
            module = importlib.import_module(f"webapp.{mod.name}.cockpit")
        except ModuleNotFoundError as exc:
            if exc.name != f"webapp.{mod.name}.cockpit":
                raise
            continue
        provider = getattr(module, "panels", None)
        if provider is not None and module.__name__ != __name__:
            found.extend(provider(user))
    return sorted(found, key=lambda p: (p.order, p.title))
