"""Celery jobs of the personnel context: take ids, hand straight to a service."""

from __future__ import annotations

from celery import shared_task

from security.context import system_actor


@shared_task(name="personnel.run_rename_batch", time_limit=3600, soft_time_limit=3500)
def run_rename_batch(batch_id: int) -> str:
    from .rename import run_batch

    with system_actor("企业更名批量变更"):
        return str(run_batch(batch_id).state)


@shared_task(name="personnel.sweep_expiry", time_limit=1800, soft_time_limit=1700)
def sweep_expiry() -> dict[str, int]:
    from .expiry import sweep_expiry as sweep

    with system_actor("证书有效期扫描"):
        return sweep()
