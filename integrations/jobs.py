"""Celery jobs for outbound delivery. Jobs take ids and hand straight to a service."""

from celery import shared_task

from security.context import system_actor

from . import outbox

ACTOR = "外发投递"


@shared_task(name="integrations.deliver_outbox_message", time_limit=120, soft_time_limit=100)
def deliver_outbox_message(message_id: int) -> str:
    with system_actor(ACTOR):
        message = outbox.deliver(message_id)
    return message.status if message else "skipped"


@shared_task(name="integrations.deliver_due", time_limit=600, soft_time_limit=540)
def deliver_due() -> dict[str, int]:
    with system_actor(ACTOR):
        return outbox.deliver_due()
