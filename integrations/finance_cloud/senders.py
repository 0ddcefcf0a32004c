"""Outbox senders for the finance cloud: one channel per record kind. Imported at start-up (contracts app)."""

from __future__ import annotations

from typing import Any

from integrations import outbox
from integrations.models import OutboxMessage

from .client import FinanceCloudClient

CHANNELS = {"finance_cloud.project": "project", "finance_cloud.award": "award", "finance_cloud.contract": "contract"}


def _deliver(kind: str, message: OutboxMessage) -> dict[str, Any]:
    return FinanceCloudClient.from_settings().send(kind, message.payload, idempotency_key=message.idempotency_key)


@outbox.sender("finance_cloud.project")
def send_project(message: OutboxMessage) -> dict[str, Any]:
    return _deliver("project", message)


@outbox.sender("finance_cloud.award")
def send_award(message: OutboxMessage) -> dict[str, Any]:
    return _deliver("award", message)


@outbox.sender("finance_cloud.contract")
def send_contract(message: OutboxMessage) -> dict[str, Any]:
    return _deliver("contract", message)
