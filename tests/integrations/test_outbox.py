"""The outbox: nothing sent on rollback, nothing lost when the remote is down, idempotent keys."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from integrations import outbox
from integrations.models import OutboxMessage, OutboxStatus

CALLS: list[dict] = []
REMOTE = {"up": True}


@outbox.sender("test.remote")
def _send(message):
    if not REMOTE["up"]:
        raise ConnectionError("remote unavailable")
    CALLS.append(message.payload)
    return {"accepted": message.payload["n"]}


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()
    REMOTE["up"] = True


@pytest.mark.django_db(transaction=True)
def test_message_is_delivered_after_commit():
    with transaction.atomic():
        msg = outbox.enqueue(channel="test.remote", payload={"n": 1}, idempotency_key="k1")
        assert CALLS == []  # nothing leaves before commit
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.SENT and msg.response == {"accepted": 1}
    assert CALLS == [{"n": 1}]


@pytest.mark.django_db(transaction=True)
def test_rollback_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(channel="test.remote", payload={"n": 2}, idempotency_key="k2")
        raise RuntimeError("business operation failed")
    assert CALLS == [] and not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_remote_down_then_up_loses_nothing():
    REMOTE["up"] = False
    with transaction.atomic():
        msg = outbox.enqueue(channel="test.remote", payload={"n": 3}, idempotency_key="k3")
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.PENDING and msg.attempts == 1 and "remote unavailable" in msg.last_error
    assert outbox.deliver_due() == {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}  # not due yet
    REMOTE["up"] = True
    later = timezone.now() + timedelta(minutes=5)
    assert outbox.deliver_due(now=later)["sent"] == 1
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.SENT and msg.attempts == 2
    assert CALLS == [{"n": 3}]
    assert outbox.deliver_due(now=later)["sent"] == 0  # re-running is harmless


@pytest.mark.django_db(transaction=True)
def test_gives_up_after_max_attempts_and_can_be_requeued():
    REMOTE["up"] = False
    with transaction.atomic():
        msg = outbox.enqueue(channel="test.remote", payload={"n": 4}, idempotency_key="k4")
    t = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        t += timedelta(hours=2)
        outbox.deliver_due(now=t)
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.FAILED and msg.attempts == outbox.MAX_ATTEMPTS
    REMOTE["up"] = True
    outbox.requeue(msg)
    outbox.deliver_due(now=t + timedelta(hours=2))
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_same_idempotency_key_is_one_message():
    with transaction.atomic():
        a = outbox.enqueue(channel="test.remote", payload={"n": 5}, idempotency_key="same")
        b = outbox.enqueue(channel="test.remote", payload={"n": 5}, idempotency_key="same")
    assert a.pk == b.pk and CALLS == [{"n": 5}]


def test_unknown_channel_is_refused():
    with pytest.raises(outbox.UnknownChannel):
        outbox.enqueue(channel="nope", payload={}, idempotency_key="x")


def test_backoff_grows_and_is_capped():
    assert outbox.backoff(1) < outbox.backoff(2) < outbox.backoff(3)
    assert outbox.backoff(30) == timedelta(hours=1)
