from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from flows.outbox import deliver_due_outbox
from flows.serve import collect
from integrations import outbox
from integrations.models import OutboxMessage, OutboxStatus

STATE = {"up": False}


@outbox.sender("test.flow")
def _send(message):
    if not STATE["up"]:
        raise ConnectionError("down")
    return {"ok": True}


@pytest.mark.django_db(transaction=True)
def test_outbox_flow_resends_what_is_due():
    with transaction.atomic():
        msg = outbox.enqueue(channel="test.flow", payload={}, idempotency_key="flow-1")
    STATE["up"] = True
    OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    counts = deliver_due_outbox.fn()
    msg.refresh_from_db()
    assert counts["sent"] == 1 and msg.status == OutboxStatus.SENT


def test_outbox_flow_is_scheduled_every_minute():
    schedules = {fl.name: sched for fl, sched in collect()}
    assert schedules["outbox-deliver-due"] == {"interval": 60}
