"""Enterprises date sweep (资质/安许期限扫描): public notices deemed served after 30 days, overdue rectifications,
lapsed defence periods, ended suspensions. Hourly; idempotent."""

from __future__ import annotations

from prefect import flow

from flows.django_setup import setup


@flow(name="enterprises-sweep", log_prints=True, timeout_seconds=600)
def enterprises_sweep() -> dict[str, int]:
    setup()
    from domain.enterprises.services import run_sweeps
    from security.context import system_actor

    with system_actor("企业期限扫描"):
        result = {key: len(ids) for key, ids in run_sweeps().items()}
    print(result)
    return result


DEPLOYMENTS = [(enterprises_sweep, {"cron": "5 * * * *"})]
