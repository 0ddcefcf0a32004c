"""Every outbound delivery attempt is on the audit trail with its outcome, about the business object the message
carries, by the delivery job; an operator's requeue names the operator."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import jobs, outbox
from integrations.models import OutboxMessage, OutboxStatus
from security.audit import history_for
from security.chain import verify_chain

REMOTE = {"up": False}


@outbox.sender("test.audited")
def _send(message):
    if not REMOTE["up"]:
        raise ConnectionError("号码 13812345678 无法投递")
    return {"ok": True}


@pytest.mark.django_db
def test_each_attempt_and_its_outcome_is_audited(directory, user):
    enterprise = directory["contractor"]
    REMOTE["up"] = False
    msg = outbox.enqueue(channel="test.audited", payload={"n": 1}, idempotency_key="audited-1", subject=enterprise)
    jobs.deliver_due()  # the Celery job: attempt 1 fails, retried later
    OutboxMessage.objects.filter(pk=msg.pk).update(attempts=outbox.MAX_ATTEMPTS - 1, next_attempt_at=timezone.now())
    jobs.deliver_due()  # the last attempt fails: given up
    assert OutboxMessage.objects.get(pk=msg.pk).status == OutboxStatus.FAILED
    assert outbox.requeue(msg, acting_user=user("admin"))
    REMOTE["up"] = True
    jobs.deliver_due()
    assert OutboxMessage.objects.get(pk=msg.pk).status == OutboxStatus.SENT

    events = [e for e in history_for(enterprise) if e.action.startswith("integrations.")]
    assert [(e.action, e.actor_username) for e in events] == [
        ("integrations.send_retrying", "系统（外发投递）"),
        ("integrations.send_failed", "系统（外发投递）"),
        ("integrations.requeued", "admin"),
        ("integrations.sent", "系统（外发投递）"),
    ]
    assert events[2].actor == user("admin")
    assert events[0].data["message_id"] == msg.pk and events[0].data["channel"] == "test.audited"
    assert all("13812345678" not in e.summary + str(e.data) for e in events)  # a number echoed back is masked
    assert "138****5678" in events[0].summary
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_message_without_a_subject_is_its_own_subject():
    REMOTE["up"] = True
    msg = outbox.enqueue(channel="test.audited", payload={"n": 2}, idempotency_key="audited-2")
    outbox.deliver(msg.pk, now=timezone.now() + timedelta(seconds=1))
    [event] = history_for(msg)
    assert event.action == "integrations.sent" and event.actor_username == ""
    assert verify_chain().ok
