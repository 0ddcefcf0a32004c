"""The Prefect runner for the embedded default: serves every flow module's ``DEPLOYMENTS`` on its schedule.

Each module under ``flows/`` may define ``DEPLOYMENTS = [(flow, {"cron": "0 2 1 * *"} | {"interval": 60}), ...]``.
Started by ``scripts/services.d/prefect.sh`` (part of ``make run``) against the local Prefect server.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from flows.django_setup import setup


def collect() -> list[tuple[Any, dict[str, Any]]]:
    found: list[tuple[Any, dict[str, Any]]] = []
    for mod in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if mod.name in {"serve", "django_setup"}:
            continue
        module = importlib.import_module(f"flows.{mod.name}")
        found.extend(getattr(module, "DEPLOYMENTS", []))
    return found


def main() -> None:
    setup()
    from prefect import serve

    deployments = [fl.to_deployment(name=fl.name, **schedule) for fl, schedule in collect()]
    serve(*deployments)


if __name__ == "__main__":
    main()
