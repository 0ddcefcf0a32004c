"""Outbox resend flow: delivers every outbox message that is due (every minute on the embedded default)."""

from __future__ import annotations

from prefect import flow

from flows.django_setup import setup


@flow(name="outbox-deliver-due", log_prints=True)
def deliver_due_outbox() -> dict[str, int]:
    setup()
    from integrations import outbox
    from security.context import system_actor

    with system_actor("外发投递"):
        counts = outbox.deliver_due()
    print(f"outbox: {counts}")
    return counts


DEPLOYMENTS = [(deliver_due_outbox, {"interval": 60})]
