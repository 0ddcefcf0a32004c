"""Demo-world loading: every installed app may ship a ``demo`` module with ``DEMO_ORDER`` (int) and
``load(out)``; :func:`load_all` runs them in order. Loaders must be idempotent (re-running adds nothing)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

from django.apps import apps
from django.db import transaction


def demo_modules() -> list[ModuleType]:
    found = []
    for config in apps.get_app_configs():
        try:
            mod = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(mod, "load"):
            found.append(mod)
    return sorted(found, key=lambda m: (getattr(m, "DEMO_ORDER", 100), m.__name__))


def demo_usernames() -> set[str]:
    """Every account the demo loaders create (each demo module lists its own in ``DEMO_USERNAMES``)."""
    names: set[str] = set()
    for mod in demo_modules():
        names.update(getattr(mod, "DEMO_USERNAMES", ()))
    return names


def load_all(out: Callable[[str], None] = print) -> None:
    for mod in demo_modules():
        with transaction.atomic():
            mod.load(out)
        out(f"  ✓ {mod.__name__}")
