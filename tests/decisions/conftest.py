"""Fixtures for decision tests: build tables from Python lists into a private registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decisions import api
from decisions.authoring import dmn_xml
from decisions.registry import Registry


class Tables:
    """A registry over a temporary folder; ``add(...)`` writes a table, ``evaluate(...)`` runs it."""

    def __init__(self, root: Path):
        self.root = root
        self.registry = Registry([root], interval=0)

    def add(self, decision_id: str, **kwargs: Any) -> str:
        return self.write(f"{decision_id}.dmn", dmn_xml(decision_id, **kwargs))

    def write(self, name: str, xml: str) -> str:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(xml, encoding="utf-8")
        self.registry.refresh(force=True)
        return name

    def evaluate(self, decision_id: str, inputs: dict[str, Any]) -> api.DecisionResult:
        return api.evaluate(decision_id, inputs, registry=self.registry)

    def table(self, decision_id: str):
        return self.registry.get(decision_id)


@pytest.fixture
def tables(tmp_path) -> Tables:
    root = tmp_path / "tables"
    root.mkdir()
    return Tables(root)
