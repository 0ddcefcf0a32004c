"""The decision tables of the platform: every ``decisions/tables/**/*.dmn``, loaded, verified and cached.

Files are re-read when they change (checked at most every ``DECISIONS_RELOAD_INTERVAL`` seconds; ``refresh(
force=True)`` re-reads now). A table's version is its file's content hash. A file that cannot be loaded is left
out and reported in :attr:`Registry.errors` (and the log); the other files keep working.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings

from .engine.errors import DecisionError, DecisionNotFound
from .engine.loader import load_bytes, load_file
from .engine.model import DecisionTable, Finding
from .engine.verifier import verify, verify_graph

logger = logging.getLogger(__name__)
TABLES_DIR = Path(__file__).resolve().parent / "tables"


class Registry:
    def __init__(self, roots: list[Path] | None = None, *, interval: float | None = None):
        self.roots = roots if roots is not None else [TABLES_DIR]
        self.interval = interval
        self.tables: dict[str, DecisionTable] = {}
        self.errors: dict[str, str] = {}
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def files(self) -> list[Path]:
        return sorted(p for root in self.roots if root.exists() for p in root.rglob("*.dmn"))

    def _display(self, path: Path) -> str:
        for root in self.roots:
            if path.is_relative_to(root):
                return str(path.relative_to(root.parent))
        return path.name

    def refresh(self, *, force: bool = False) -> None:
        interval = (
            self.interval
            if self.interval is not None
            else getattr(settings, "DECISIONS_RELOAD_INTERVAL", 2.0)
        )
        now = time.monotonic()
        if not force and self._signature is not None and now - self._checked < interval:
            return
        with self._lock:
            self._checked = now
            files = self.files()
            signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
            if not force and signature == self._signature:
                return
            self._load(files)
            self._signature = signature

    def _load(self, files: list[Path]) -> None:
        tables: dict[str, DecisionTable] = {}
        errors: dict[str, str] = {}
        for path in files:
            name = self._display(path)
            try:
                loaded = load_file(path, display_name=name)
            except DecisionError as exc:
                errors[name] = exc.message
                logger.error("decision table file refused: %s", exc.message)
                continue
            for table in loaded:
                if table.id in tables:
                    errors[name] = f"{name}：决策 id {table.id} 与 {tables[table.id].file} 重复"
                    continue
                table.findings = verify(table)
                tables[table.id] = table
        for table_id, findings in verify_graph(tables).items():
            tables[table_id].findings.extend(findings)
        for table in tables.values():
            for finding in table.findings:
                if finding.severity == "error":
                    logger.warning("decision %s (%s): %s", table.id, table.file, finding.message)
        self.tables, self.errors = tables, errors

    def get(self, decision_id: str) -> DecisionTable:
        self.refresh()
        try:
            return self.tables[decision_id]
        except KeyError:
            raise DecisionNotFound(f"决策表 {decision_id} 不存在", decision_id=decision_id) from None

    def exists(self, decision_id: str) -> bool:
        self.refresh()
        return decision_id in self.tables

    def all(self) -> list[DecisionTable]:
        self.refresh()
        return sorted(self.tables.values(), key=lambda t: t.id)

    def findings(self) -> dict[str, list[Finding]]:
        self.refresh()
        return {t.id: t.findings for t in self.tables.values() if t.findings}


class SourceRegistry(Registry):
    """Tables compiled from given DMN texts — a published process definition's snapshot (``{file: xml}``) — so a
    running instance keeps the table version it was published with. Ids not in the snapshot come from
    ``fallback``."""

    def __init__(self, sources: tuple[tuple[str, str], ...], fallback: Registry):
        super().__init__([], interval=0)
        self.fallback = fallback
        for name, text in sources:
            try:
                loaded = load_bytes(text.encode("utf-8"), file=name)
            except DecisionError as exc:
                self.errors[name] = exc.message
                continue
            for table in loaded:
                self.tables.setdefault(table.id, table)
        self._signature = ()

    def refresh(self, *, force: bool = False) -> None:
        return

    def get(self, decision_id: str) -> DecisionTable:
        table = self.tables.get(decision_id)
        return table if table is not None else self.fallback.get(decision_id)

    def exists(self, decision_id: str) -> bool:
        return decision_id in self.tables or self.fallback.exists(decision_id)


@functools.lru_cache(maxsize=64)
def _snapshot(sources: tuple[tuple[str, str], ...]) -> SourceRegistry:
    return SourceRegistry(sources, default_registry())


def snapshot_registry(sources: Mapping[str, str]) -> SourceRegistry:
    """A (cached) registry over the given DMN texts, e.g. ``ProcessDefinition.dmn_files``."""
    return _snapshot(tuple(sorted(sources.items())))


_default: Registry | None = None


def default_registry() -> Registry:
    global _default
    if _default is None:
        _default = Registry()
    return _default
