"""``manage.py check``: decision tables that fail to load or carry error-level verifier findings."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register


@register("decisions")
def check_decision_tables(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    from .registry import default_registry

    registry = default_registry()
    registry.refresh(force=True)
    problems = [
        Warning(f"决策表文件未能加载：{message}", obj=file, id="decisions.W001")
        for file, message in registry.errors.items()
    ]
    for table in registry.tables.values():
        problems += [
            Warning(f"{table.id}：{f.message}", obj=table.file, id="decisions.W002")
            for f in table.findings
            if f.severity == "error"
        ]
    return problems
