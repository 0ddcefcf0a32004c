"""Masking personal data in copies written before it was marked (存量流程数据个人信息补遮蔽).

The engine masks a form field marked ``"x-pii": true`` in every readable copy it writes (:mod:`.pii`). Copies written
before the mark — instances started before the feature, or on an older version of the process that did not mark the
field — still hold the value as typed. :func:`redact_existing` masks them in place: for each process key the names
are those any published version of the key marks, applied to the variable snapshot (``ProcessInstance.data``), the
history rows' details and the inbox's copies (a work item's submitted data and its summary line). A value a copy
holds under a marked name is also masked wherever another copy of the same instance repeats it in a string.

The encrypted state is never touched (the real values stay readable there), nor are the instance's revision and
``updated_at``. Only rows whose value changes are written; masking is idempotent, so a second run changes nothing.
Instances are read in id order, ``batch_size`` at a time, each batch locked (the engine's writes of an instance's
copies run under the same lock) and written in its own transaction. A run that writes leaves one audit event
(``processes.pii_redacted``) with the counts; a dry run counts what would change and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from domain.db import lock_rows
from domain.errors import ProcedureError
from processes.models import ProcessDefinition, ProcessHistory, ProcessInstance
from security import audit
from tasks.models import WorkItem

from . import pii

AUDIT_ACTION = "processes.pii_redacted"


@dataclass
class KeyCounts:
    """What one process key's run found: the marked names, the instances read and the rows (re)written."""

    names: list[str]
    instances_scanned: int = 0
    instances_changed: int = 0
    history_changed: int = 0
    work_items_changed: int = 0

    def as_data(self) -> dict[str, Any]:
        return {
            "names": self.names,
            "instances_scanned": self.instances_scanned,
            "instances_changed": self.instances_changed,
            "history_changed": self.history_changed,
            "work_items_changed": self.work_items_changed,
        }


@dataclass
class RedactionReport:
    """The counts of a run, in total and per process key (a dry run's are what a real run would write)."""

    dry_run: bool = False
    by_key: dict[str, KeyCounts] = field(default_factory=dict)
    complete: bool = True  # False when a batch failed: the batches before it are written

    @property
    def instances_scanned(self) -> int:
        return sum(c.instances_scanned for c in self.by_key.values())

    @property
    def instances_changed(self) -> int:
        return sum(c.instances_changed for c in self.by_key.values())

    @property
    def history_changed(self) -> int:
        return sum(c.history_changed for c in self.by_key.values())

    @property
    def work_items_changed(self) -> int:
        return sum(c.work_items_changed for c in self.by_key.values())

    @property
    def changed(self) -> bool:
        return bool(self.instances_changed or self.history_changed or self.work_items_changed)

    def summary(self) -> str:
        verb = "需改写" if self.dry_run else "改写"
        text = (
            f"检查流程实例 {self.instances_scanned} 个，{verb}实例变量 {self.instances_changed} 个、"
            f"办理记录 {self.history_changed} 条、待办 {self.work_items_changed} 条"
        )
        return text if self.complete else text + "（运行中断，其余未处理）"

    def as_data(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "complete": self.complete,
            "instances_scanned": self.instances_scanned,
            "instances_changed": self.instances_changed,
            "history_changed": self.history_changed,
            "work_items_changed": self.work_items_changed,
            "by_key": {key: counts.as_data() for key, counts in self.by_key.items()},
        }


def redact_existing(
    *, process_key: str | None = None, dry_run: bool = False, batch_size: int = 500
) -> RedactionReport:
    """Mask the marked personal data in the readable copies of every instance of ``process_key`` (every key when
    ``None``). Raises :class:`ProcedureError` for a key no published process has."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if process_key is not None:
        if not ProcessDefinition.objects.filter(key=process_key).exists():
            raise ProcedureError(f"没有标识为 {process_key} 的已发布流程")
        keys = [process_key]
    else:
        keys = list(ProcessDefinition.objects.order_by("key").values_list("key", flat=True).distinct())
    report = RedactionReport(dry_run=dry_run)
    try:
        for key in keys:
            names = pii.declared_in_any_version(key)
            counts = report.by_key[key] = KeyCounts(names=sorted(names))
            if names:
                _redact_key(key, names, counts, dry_run, batch_size)
    except BaseException:
        report.complete = False
        if not dry_run and report.changed:
            _record(report)  # the batches written so far are on the record, too
        raise
    if not dry_run:
        _record(report)
    return report


def _record(report: RedactionReport) -> None:
    with transaction.atomic():
        audit.record(action=AUDIT_ACTION, summary=f"流程数据个人信息补遮蔽：{report.summary()}",
                     data=report.as_data())


def _redact_key(key: str, names: frozenset[str], counts: KeyCounts, dry_run: bool, batch_size: int) -> None:
    last = 0
    while True:
        ids = list(
            ProcessInstance.objects.filter(process_key=key, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        with transaction.atomic():
            _redact_batch(ids, names, counts, dry_run)
        last = ids[-1]


def _redact_batch(ids: list[int], names: frozenset[str], counts: KeyCounts, dry_run: bool) -> None:
    # the engine writes an instance's snapshot, history and inbox rows holding this lock: none change under us
    snapshots = dict(lock_rows(ProcessInstance.objects.filter(pk__in=ids)).order_by("pk").values_list("pk", "data"))
    history: list[tuple[int, int, Any]] = list(
        ProcessHistory.objects.filter(instance_id__in=ids).order_by("pk")
        .values_list("pk", "instance_id", "details").iterator()
    )
    items: list[tuple[int, int, Any, str]] = list(
        WorkItem.objects.filter(instance_id__in=ids).order_by("pk")
        .values_list("pk", "instance_id", "data", "summary").iterator()
    )
    # what each instance's copies hold under a marked name: masked also where another copy repeats it in a string
    secrets: dict[int, set[str]] = {pk: set() for pk in snapshots}
    for pk, data in snapshots.items():
        pii.marked_values(data, names, secrets[pk])
    for _pk, instance_id, details in history:
        pii.marked_values(details, names, secrets.setdefault(instance_id, set()))
    for _pk, instance_id, data, _summary in items:
        pii.marked_values(data, names, secrets.setdefault(instance_id, set()))

    changed_instances = []
    for pk, data in snapshots.items():
        masked = _redact(data, names, secrets[pk])
        if masked != data:
            changed_instances.append(ProcessInstance(pk=pk, data=masked))
    changed_history = []
    for pk, instance_id, details in history:
        masked = _redact(details, names, secrets[instance_id])
        if masked != details:
            changed_history.append(ProcessHistory(pk=pk, details=masked))
    changed_data, changed_summary = [], []
    for pk, instance_id, data, summary in items:
        masked = _redact(data, names, secrets[instance_id])
        if masked != data:
            changed_data.append(WorkItem(pk=pk, data=masked))
        masked_summary = _redact(summary, names, secrets[instance_id])
        if masked_summary != summary:
            changed_summary.append(WorkItem(pk=pk, summary=masked_summary))

    counts.instances_scanned += len(snapshots)
    counts.instances_changed += len(changed_instances)
    counts.history_changed += len(changed_history)
    counts.work_items_changed += len({item.pk for item in changed_data + changed_summary})
    if dry_run:
        return
    # only the changed column of the changed rows: never save(), which would write the encrypted state back
    ProcessInstance.objects.bulk_update(changed_instances, ["data"], batch_size=100)
    ProcessHistory.objects.bulk_update(changed_history, ["details"], batch_size=100)
    WorkItem.objects.bulk_update(changed_data, ["data"], batch_size=100)
    WorkItem.objects.bulk_update(changed_summary, ["summary"], batch_size=100)


def _redact(value: Any, names: frozenset[str], secrets: Iterable[str]) -> Any:
    """:func:`pii.redact` of ``value``, with ``secrets`` (values found in the instance's other copies) masked in its
    strings as well as those it holds itself: they ride along under a marked name, then are dropped."""
    name = min(names)
    return pii.redact([value, [{name: secret} for secret in sorted(secrets)]], names)[0]
