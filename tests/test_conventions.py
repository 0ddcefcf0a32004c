"""Project rules checked over the source tree (the Zulip way: a rule the code must keep is a test)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["webapp", "processes", "decisions", "tasks", "domain", "documents", "integrations", "vision", "flows", "security"]


def _sources():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, path.read_text(encoding="utf-8")


def test_row_locks_go_through_lock_rows():
    """``FOR UPDATE OF`` is not portable (MariaDB refuses it): use ``domain.db.lock_rows``."""
    offenders = [str(p.relative_to(ROOT)) for p, text in _sources()
                 if "select_for_update(of=" in text and p.name != "db.py"]
    assert offenders == []


def test_no_eval_or_exec_of_strings():
    """No call of the ``eval``/``exec``/``compile`` builtins anywhere: expressions go through our evaluators."""
    offenders = []
    for path, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"eval", "exec", "compile"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_lower_layers_never_import_webapp():
    pattern = re.compile(r"^\s*(from|import) webapp\b", re.M)
    lower = [p for p, text in _sources() if p.relative_to(ROOT).parts[0] not in ("webapp", "flows") and pattern.search(text)]
    assert [str(p.relative_to(ROOT)) for p in lower] == []


def test_jobs_modules_are_named_jobs():
    """The word *task* is reserved for human tasks: Celery job modules are ``jobs.py``."""
    offenders = [str(p.relative_to(ROOT)) for p, text in _sources() if "@shared_task" in text and p.name != "jobs.py"]
    assert offenders == []


def test_pages_never_answer_a_refusal_with_a_redirect():
    """Bad input gets the page again with its message and a 4xx, not a 302 and a flash: no ``redirect(...)`` in an
    ``except`` handler under ``webapp/`` (``webapp.refusals.attempt`` runs a post and draws the page on a refusal)."""
    offenders = []
    for path, text in _sources():
        if path.relative_to(ROOT).parts[0] != "webapp":
            continue
        for handler in ast.walk(ast.parse(text)):
            if isinstance(handler, ast.ExceptHandler) and any(
                isinstance(n, ast.Call) and ast.unparse(n.func) in ("redirect", "HttpResponseRedirect")
                for stmt in handler.body for n in ast.walk(stmt)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{handler.lineno}")
    assert offenders == []
