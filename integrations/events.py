"""Domain events leave through RabbitMQ (pika), always via the outbox so a rolled-back change publishes nothing
and a broker outage loses nothing.

Exchange ``jianguan.events`` (topic, durable); routing key = event type (e.g. ``contracts.signed``); body JSON
``{"type", "id", "occurred_at", "data"}``; AMQP ``message_id`` = the outbox idempotency key, so consumers can
de-duplicate redeliveries. Without a configured broker (embedded default) the outbox row itself is the record.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pika
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from . import outbox
from .models import OutboxMessage

EXCHANGE = "jianguan.events"
CHANNEL = "events"


def publish(
    event_type: str, data: dict[str, Any], *, subject: models.Model | None = None, key: str | None = None
) -> OutboxMessage:
    """Record a domain event for publication after commit. ``key`` makes publishing idempotent."""
    event_id = key or f"{event_type}:{uuid.uuid4().hex}"
    body = {
        "type": event_type,
        "id": event_id,
        "occurred_at": timezone.now().isoformat(),
        "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
    }
    return outbox.enqueue(channel=CHANNEL, payload=body, idempotency_key=f"event:{event_id}", subject=subject)


def declare(channel: Any) -> None:
    channel.exchange_declare(exchange=EXCHANGE, exchange_type="topic", durable=True)


def publish_now(url: str, message: OutboxMessage) -> None:
    """Publish one outbox message to the broker with publisher confirms (raises if the broker refuses)."""
    params = pika.URLParameters(url)
    params.socket_timeout = 5
    params.blocked_connection_timeout = 5
    connection = pika.BlockingConnection(params)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        declare(channel)
        channel.basic_publish(
            exchange=EXCHANGE,
            routing_key=message.payload["type"],
            body=json.dumps(message.payload, ensure_ascii=False).encode(),
            properties=pika.BasicProperties(
                content_type="application/json",
                delivery_mode=pika.DeliveryMode.Persistent,
                message_id=message.idempotency_key,
            ),
            mandatory=False,
        )
    finally:
        connection.close()


@outbox.sender(CHANNEL)
def _send_event(message: OutboxMessage) -> dict[str, Any] | None:
    url = getattr(settings, "AMQP_URL", None)
    if not url:
        return {"broker": None}
    publish_now(url, message)
    return {"broker": "rabbitmq", "exchange": EXCHANGE}
