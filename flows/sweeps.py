"""Routine sweeps the platform relies on: overdue work items (超期督办, every 5 minutes) and safety-staff
certificate validity (有效期管理, daily). Each hands straight to its module's service."""

from __future__ import annotations

from prefect import flow

from flows.django_setup import setup


@flow(name="inbox-escalate-overdue", log_prints=True)
def escalate_overdue_items() -> int:
    setup()
    from security.context import system_actor
    from tasks.services import escalate_overdue

    with system_actor("超期督办扫描"):
        escalated = escalate_overdue()
    print(f"escalated {len(escalated)} overdue work items")
    return len(escalated)


@flow(name="personnel-expiry-sweep", log_prints=True)
def certificate_expiry_sweep() -> dict[str, int]:
    setup()
    from domain.personnel.expiry import sweep_expiry
    from security.context import system_actor

    with system_actor("证书有效期扫描"):
        counts = sweep_expiry()
    print(f"certificates: {counts}")
    return counts


DEPLOYMENTS = [
    (escalate_overdue_items, {"interval": 300}),
    (certificate_expiry_sweep, {"cron": "10 0 * * *"}),
]
