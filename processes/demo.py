"""Demo: publish every shipped process model (``processes/models/<procedure>/``) so procedures can be started."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from .engine.definitions import PublishError, model_directories, publish_directory

DEMO_ORDER = 20


def load(out: Callable[[str], None]) -> None:
    for directory in model_directories():
        try:
            with transaction.atomic():
                results = publish_directory(directory)
        except PublishError as exc:  # a broken model must not hide the others; say exactly what is wrong
            out(f"  ✗ {directory.name}: {exc.message}")
            continue
        for definition, created in results:
            out(f"  {'发布' if created else '已是最新'} {definition.key} v{definition.version}")
