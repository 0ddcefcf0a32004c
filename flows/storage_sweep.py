"""Nightly orphan-file sweep (无引用文件清理): the uploaded files no row names any more — left by a process killed in
the middle of a transaction, by deleted rows, by a document's superseded revision — are deleted once they are older
than ``ORPHAN_FILE_GRACE_HOURS``. Each run that finds something leaves one audit event with the counts and names."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.django_setup import setup


def run_sweep(*, dry_run: bool = False, grace_hours: int | None = None, actor: str = "无引用文件清理") -> Any:
    """The sweep with its audit record (a dry run records nothing: it changed nothing)."""
    from django.db import transaction

    from domain.storage import sweep_orphan_files
    from security import audit
    from security.context import system_actor

    with system_actor(actor):
        report = sweep_orphan_files(grace_hours=grace_hours, dry_run=dry_run)
        if not dry_run and (report.orphans or report.failed):
            with transaction.atomic():
                audit.record(action="storage.orphans_swept", summary=report.summary(), data=report.as_data())
    return report


@flow(name="storage-orphan-sweep", log_prints=True, timeout_seconds=1800)
def storage_orphan_sweep() -> dict[str, Any]:
    setup()
    report = run_sweep()
    result = report.as_data(sample=0)
    print(report.summary())
    if report.failed:
        raise RuntimeError(f"{len(report.failed)} 个无引用文件删除失败（见日志），下次运行将重试")
    return result


DEPLOYMENTS = [(storage_orphan_sweep, {"cron": "45 2 * * *"})]
