"""Publishing process models (流程发布): files → validated, immutable, versioned :class:`ProcessDefinition`.

A *procedure* is a folder ``processes/models/<procedure>/`` holding ``*.bpmn`` files and the JSON (Schema) form
files they name. Every executable BPMN process in the folder is published under its process id (the ``key``
that :func:`processes.engine.start` takes). The content hash covers the folder's BPMN and form files plus the
DMN files of the decisions its business-rule tasks name; re-publishing unchanged files is a no-op, a change
makes version N+1. Instances stay on the version they started with.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from domain.db import fetch_rows
from domain.errors import DomainError
from processes.models import ProcessDefinition
from security import audit

from .spiff import DecisionTask, EngineParser

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


@dataclass(frozen=True)
class Problem:
    """Why a model was refused: the file, the BPMN element id and the problem (in Chinese)."""

    file: str
    element_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} [{self.element_id or '-'}]：{self.message}"


class PublishError(DomainError):
    """A model was refused at publish time; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("流程模型校验未通过：\n" + "\n".join(str(p) for p in problems))


@dataclass
class Bundle:
    """The files of one procedure folder."""

    procedure: str
    directory: Path
    bpmn_files: dict[str, str] = field(default_factory=dict)
    forms: dict[str, Any] = field(default_factory=dict)
    form_texts: dict[str, str] = field(default_factory=dict)
    dmn_files: dict[str, str] = field(default_factory=dict)


def load_bundle(directory: Path, procedure: str | None = None) -> Bundle:
    bundle = Bundle(procedure=procedure or directory.name, directory=directory)
    for path in sorted(directory.glob("*.bpmn")):
        bundle.bpmn_files[path.name] = path.read_text(encoding="utf-8")
    for path in sorted(directory.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        bundle.form_texts[path.name] = text
        try:
            bundle.forms[path.name] = json.loads(text)
        except json.JSONDecodeError:
            bundle.forms[path.name] = None  # reported by validation when a user task names it
    return bundle


def parse_bundle(bundle: Bundle, problems: list[Problem]) -> EngineParser:
    """Parse (and XSD-validate) every BPMN file; problems are appended, the parser keeps what parsed."""
    parser = EngineParser(validator=VALIDATOR)
    for name, text in bundle.bpmn_files.items():
        try:
            parser.add_bpmn_xml(etree.fromstring(text.encode("utf-8")), filename=name)
        except etree.XMLSyntaxError as exc:
            problems.append(Problem(name, f"第{exc.lineno}行", f"XML 格式错误：{exc.msg}"))
        except ValidationException as exc:
            problems.append(_problem_from(exc, name, "BPMN 校验失败"))
    return parser


def _problem_from(exc: ValidationException, file_name: str, prefix: str) -> Problem:
    element = exc.id or (f"第{exc.line_number}行" if exc.line_number else "")
    return Problem(exc.file_name or file_name, element, f"{prefix}：{exc}")


def executable_processes(parser: EngineParser) -> list[tuple[str, str]]:
    return [
        (pid, p.get_name() or pid)
        for pid, p in parser.process_parsers.items()
        if p.process_executable
    ]


def build_specs(parser: EngineParser, key: str, file_name: str, problems: list[Problem]) -> tuple[Any, dict]:
    try:
        return parser.get_spec(key), parser.get_subprocess_specs(key)
    except ValidationException as exc:
        problems.append(_problem_from(exc, file_name, "BPMN 解析失败"))
        return None, {}


def decision_roots() -> list[Path]:
    """Where the decisions layer reads DMN tables from (its registry's roots; default ``decisions/tables``)."""
    try:
        from decisions.registry import default_registry

        return [Path(root) for root in default_registry().roots]
    except ImportError:
        return [Path(settings.BASE_DIR) / "decisions" / "tables"]


def decision_files(decision_ids: set[str]) -> dict[str, str]:
    """The DMN files (path relative to their tables folder's parent) that define the given decision ids."""
    found: dict[str, str] = {}
    if not decision_ids:
        return found
    for root in decision_roots():
        for path in sorted(root.rglob("*.dmn")):
            text = path.read_text(encoding="utf-8")
            try:
                ids = set(etree.fromstring(text.encode("utf-8")).xpath("//*[local-name()='decision']/@id"))
            except etree.XMLSyntaxError:
                continue
            if ids & decision_ids:
                found[str(path.relative_to(root.parent))] = text
    return found


def content_hash(bundle: Bundle) -> str:
    digest = hashlib.sha256()
    for group in (bundle.bpmn_files, bundle.form_texts, bundle.dmn_files):
        for name in sorted(group):
            digest.update(name.encode("utf-8") + b"\0" + group[name].encode("utf-8") + b"\0")
    return digest.hexdigest()


def check_bundle(bundle: Bundle) -> tuple[list[tuple[str, str, Any, dict]], list[Problem]]:
    """Parse and validate; returns ``[(key, name, spec, subprocess_specs)]`` and the problems found."""
    from .pii import check_annotations
    from .validation import validate_specs

    problems: list[Problem] = []
    if not bundle.bpmn_files:
        problems.append(Problem(str(bundle.directory), "", "目录中没有 .bpmn 文件"))
        return [], problems
    parser = parse_bundle(bundle, problems)
    processes = []
    for key, name in executable_processes(parser):
        file_name = parser.process_parsers[key].filename or ""
        spec, subprocess_specs = build_specs(parser, key, file_name, problems)
        if spec is not None:
            processes.append((key, name, spec, subprocess_specs))
    if not processes and not problems:
        problems.append(Problem(next(iter(bundle.bpmn_files)), "", "没有可执行的流程（isExecutable）"))
    decision_ids = {
        ts.decision_id
        for _key, _name, spec, subs in processes
        for s in (spec, *subs.values())
        if s is not None
        for ts in s.task_specs.values()
        if isinstance(ts, DecisionTask)
    }
    bundle.dmn_files = decision_files(decision_ids)
    problems.extend(validate_specs(bundle, parser, processes))
    problems.extend(check_annotations({name: form for name, form in bundle.forms.items() if isinstance(form, dict)}))
    return processes, problems


def publish_directory(
    directory: Path, procedure: str | None = None, *, acting_user: Any = None
) -> list[tuple[ProcessDefinition, bool]]:
    """Validate and publish one procedure folder; returns ``[(definition, created)]``. Raises PublishError.

    Each new version is audited (``process.definition_published``) with the hash of what it runs: its BPMN, forms
    and the DMN tables it snapshots, so a changed decision table is on the trail when it starts being used."""
    bundle = load_bundle(Path(directory), procedure)
    processes, problems = check_bundle(bundle)
    if problems:
        raise PublishError(problems)
    digest = content_hash(bundle)
    results = []
    with transaction.atomic():
        for key, name, _spec, _subs in processes:
            existing = ProcessDefinition.objects.filter(key=key, content_hash=digest).first()
            if existing is not None:
                results.append((existing, False))
                continue
            latest = (
                ProcessDefinition.objects.select_for_update().filter(key=key).order_by("-version").first()
            )
            definition = ProcessDefinition.objects.create(
                key=key,
                name=name,
                version=(latest.version + 1) if latest else 1,
                procedure=bundle.procedure,
                content_hash=digest,
                bpmn_files=bundle.bpmn_files,
                dmn_files=bundle.dmn_files,
                forms={k: v for k, v in bundle.forms.items() if v is not None},
            )
            audit.record(
                action="process.definition_published",
                actor=acting_user,
                subject=definition,
                summary=f"发布流程模型 {name or key}（{key} v{definition.version}）",
                data={"key": key, "version": definition.version, "procedure": bundle.procedure,
                      "content_hash": digest, "decisions": sorted(bundle.dmn_files)},
            )
            results.append((definition, True))
    from . import pii  # (pii imports this module)

    pii.forget(key for key, *_rest in processes)  # a new version's marks apply at once in this process
    return results


def model_directories(root: Path = MODELS_DIR) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob("*.bpmn")))


def publish_all(root: Path = MODELS_DIR, *, acting_user: Any = None) -> list[tuple[ProcessDefinition, bool]]:
    """Publish every procedure folder under ``processes/models/``; a broken one raises PublishError."""
    results: list[tuple[ProcessDefinition, bool]] = []
    problems: list[Problem] = []
    for directory in model_directories(root):
        try:
            results.extend(publish_directory(directory, acting_user=acting_user))
        except PublishError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PublishError(problems)
    return results


def latest(key: str) -> ProcessDefinition:
    """The newest published version of process ``key`` (read from the database each time: another process may
    have published since; only the small id/hash row travels, the files come from :func:`cached`)."""
    from domain.errors import ProcedureError

    rows = fetch_rows(ProcessDefinition, {"key": key}, columns=("content_hash",), order_by=("-version",), limit=1)
    if not rows:
        raise ProcedureError(f"流程 {key} 尚未发布")
    return cached(rows[0].pk, rows[0].content_hash)


def cached(pk: int, content_hash: str) -> ProcessDefinition:
    """Definition ``pk`` from this process's cache (rows never change once published, so a copy stays true).

    The content hash is part of the key so that a row id reused after a rollback never returns another model.
    Callers must treat the object as read-only: it is shared by every instance of that version.
    """
    found = _DEFINITION_CACHE.get((pk, content_hash))
    if found is None:
        found = ProcessDefinition.objects.get(pk=pk)
        if len(_DEFINITION_CACHE) > 512:
            _DEFINITION_CACHE.clear()
        _DEFINITION_CACHE[(pk, found.content_hash)] = found
    return found


def specs_for(definition: ProcessDefinition) -> tuple[Any, dict]:
    """The parsed specs of a definition (cached per process; definitions never change)."""
    cache_key = (definition.pk, definition.key, definition.content_hash)
    cached = _SPEC_CACHE.get(cache_key)
    if cached is None:
        parser = EngineParser()
        for name, text in sorted(definition.bpmn_files.items()):
            parser.add_bpmn_xml(etree.fromstring(text.encode("utf-8")), filename=name)
        cached = (parser.get_spec(definition.key), parser.get_subprocess_specs(definition.key))
        if len(_SPEC_CACHE) > 512:
            _SPEC_CACHE.clear()
        _SPEC_CACHE[cache_key] = cached
    return cached


_SPEC_CACHE: dict[tuple[int, str, str], tuple[Any, dict]] = {}
_DEFINITION_CACHE: dict[tuple[int, str], ProcessDefinition] = {}
