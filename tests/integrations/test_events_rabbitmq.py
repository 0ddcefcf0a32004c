"""Domain events reach a real RabbitMQ broker through the outbox."""

import json

import pika
import pytest
from django.db import transaction

from integrations import events
from integrations.models import OutboxStatus

AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"


@pytest.fixture
def queue():
    conn = pika.BlockingConnection(pika.URLParameters(AMQP))
    ch = conn.channel()
    events.declare(ch)
    q = ch.queue_declare(queue="", exclusive=True).method.queue
    ch.queue_bind(queue=q, exchange=events.EXCHANGE, routing_key="test.#")
    yield ch, q
    conn.close()


@pytest.mark.rabbitmq
@pytest.mark.django_db(transaction=True)
def test_event_is_published_after_commit(settings, queue):
    settings.AMQP_URL = AMQP
    ch, q = queue
    with transaction.atomic():
        msg = events.publish("test.happened", {"amount": "12.50"}, key="evt-1")
        assert ch.basic_get(q, auto_ack=True)[0] is None  # not before commit
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.SENT
    method, props, body = ch.basic_get(q, auto_ack=True)
    assert method is not None
    payload = json.loads(body)
    assert payload["type"] == "test.happened" and payload["data"] == {"amount": "12.50"}
    assert props.message_id == "event:evt-1"


@pytest.mark.rabbitmq
@pytest.mark.django_db(transaction=True)
def test_rolled_back_event_never_reaches_the_broker(settings, queue):
    settings.AMQP_URL = AMQP
    ch, q = queue
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("test.rolled_back", {})
        raise RuntimeError
    assert ch.basic_get(q, auto_ack=True)[0] is None


@pytest.mark.rabbitmq
@pytest.mark.django_db(transaction=True)
def test_broker_down_keeps_the_event_pending(settings):
    settings.AMQP_URL = "amqp://guest:guest@127.0.0.1:5999/%2F"  # nothing listens there
    with transaction.atomic():
        msg = events.publish("test.pending", {})
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.PENDING and msg.attempts == 1
