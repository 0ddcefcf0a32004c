"""Batch change after an enterprise is renamed (企业更名批量变更, M75/M76): every certificate of its staff gets
the new name. Chunked (one transaction per chunk, so progress shows and an interruption loses at most one chunk),
resumable (a run picks up the certificates still showing another name), idempotent (a re-run changes nothing)
and audited per certificate."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from domain.errors import ProcedureError
from domain.organisations.models import Organisation, OrganisationKind
from security import audit

from .events import record_event
from .models import ACTIVE_STATES, RenameBatch, RenameBatchState, SafetyCertificate

CHUNK = 250


def _certificates(batch: RenameBatch) -> Any:
    return SafetyCertificate.objects.filter(employer_id=batch.enterprise_id, state__in=ACTIVE_STATES)


def request_rename(*, enterprise: Organisation, new_name: str, acting_user: Any = None) -> RenameBatch:
    """Record the enterprise's new name and queue the batch (after commit)."""
    new_name = new_name.strip()
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise ProcedureError("只能对企业办理更名批量变更。")
    if not new_name or len(new_name) > 200:
        raise ProcedureError("请填写企业新名称（不超过200字）。")
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=enterprise.pk)
        if RenameBatch.objects.filter(enterprise=org, state__in=[RenameBatchState.PENDING, RenameBatchState.RUNNING]).exists():
            raise ProcedureError("该企业已有正在处理的更名批量变更，请等待完成。")
        old_name = org.name
        if old_name == new_name:
            raise ProcedureError("新名称与现名称相同。")
        org.name = new_name
        org.save(update_fields=["name"])
        batch = RenameBatch.objects.create(enterprise=org, old_name=old_name, new_name=new_name,
                                           total=SafetyCertificate.objects.filter(employer=org, state__in=ACTIVE_STATES).count(),
                                           requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None)
        audit.record(action="personnel.rename_requested", actor=acting_user, subject=batch,
                     summary=f"企业更名 {old_name} → {new_name}，批量变更证书 {batch.total} 本")
        transaction.on_commit(lambda: enqueue(batch.pk))
    return batch


def enqueue(batch_id: int) -> None:
    from .jobs import run_rename_batch

    run_rename_batch.delay(batch_id)


def _process_chunk(batch: RenameBatch, ids: list[int]) -> int:
    changed = 0
    with transaction.atomic():
        for cert in SafetyCertificate.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
            if cert.employer_name == batch.new_name:
                continue
            before = cert.employer_name
            cert.employer_name = batch.new_name
            cert.save(update_fields=["employer_name", "updated_at"])
            record_event(cert, kind="renamed", summary=f"聘用单位更名：{before} → {batch.new_name}", automatic=True,
                         data={"batch_id": batch.pk, "from": before, "to": batch.new_name})
            changed += 1
        done = batch.total - _pending(batch).count()
        RenameBatch.objects.filter(pk=batch.pk).update(processed=max(done, 0))
    return changed


def _pending(batch: RenameBatch) -> Any:
    return _certificates(batch).exclude(employer_name=batch.new_name)


def run_batch(batch_id: int, *, max_items: int | None = None, chunk: int = CHUNK) -> RenameBatch:
    """Run (or resume) the batch; ``max_items`` stops early (a time-boxed run), leaving it resumable."""
    with transaction.atomic():
        batch = RenameBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state == RenameBatchState.DONE and not _pending(batch).exists():
            return batch
        batch.state, batch.error = RenameBatchState.RUNNING, ""
        batch.runs += 1
        batch.total = _certificates(batch).count()
        batch.save(update_fields=["state", "error", "runs", "total"])
    budget = max_items
    try:
        while True:
            size = chunk if budget is None else min(chunk, budget)
            ids = list(_pending(batch).order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                break
            batch.changed += _process_chunk(batch, ids)
            RenameBatch.objects.filter(pk=batch.pk).update(changed=batch.changed)
            if budget is not None:
                budget -= len(ids)
                if budget <= 0:
                    break
    except Exception as exc:
        with transaction.atomic():
            RenameBatch.objects.filter(pk=batch.pk).update(state=RenameBatchState.FAILED, error=str(exc)[:500])
            audit.record(action="personnel.rename_failed", subject=batch,
                         summary=f"企业更名批量变更中断（已变更 {batch.changed} 本，可重新运行续办）",
                         data={"error": type(exc).__name__, "changed": batch.changed})
        raise
    with transaction.atomic():
        remaining = _pending(batch).exists()
        RenameBatch.objects.filter(pk=batch.pk).update(
            state=RenameBatchState.PENDING if remaining else RenameBatchState.DONE,
            finished_at=None if remaining else timezone.now(),
        )
        if not remaining:
            audit.record(action="personnel.rename_done", subject=batch,
                         summary=f"企业更名批量变更完成：{batch.old_name} → {batch.new_name}")
    return RenameBatch.objects.get(pk=batch.pk)
