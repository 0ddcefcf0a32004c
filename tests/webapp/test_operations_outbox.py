"""Outbound messages (外发消息) for administrators: failed ones first with their last error, sending one or every
failed one of a channel again with a reason on the record; refusals change nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from domain.organisations.models import User
from integrations.models import OutboxMessage, OutboxStatus
from security.models import AuditEvent

pytestmark = pytest.mark.django_db


def _message(n: int, status: str, channel: str = "finance_cloud.contract", error: str = "") -> OutboxMessage:
    return OutboxMessage.objects.create(channel=channel, idempotency_key=f"k-{n}", payload={"contract_id": n},
                                        status=status, attempts=8 if status == OutboxStatus.FAILED else 1,
                                        next_attempt_at=timezone.now(), last_error=error)


@pytest.fixture
def admin(client, directory):
    client.force_login(User.objects.get(username="admin"))
    return client


@pytest.fixture
def mixed(directory):
    return {
        "failed": _message(1, OutboxStatus.FAILED, error="财政云接口返回 503"),
        "failed_sms": _message(2, OutboxStatus.FAILED, channel="sms.send", error="短信网关拒绝"),
        "pending": _message(3, OutboxStatus.PENDING),
        "sent": _message(4, OutboxStatus.SENT),
    }


def test_failed_messages_come_first_with_their_error(admin, mixed):
    page = admin.get("/operations/outbox/").content.decode()
    assert f'data-message="{mixed["failed"].pk}"' in page and "财政云接口返回 503" in page
    assert f'data-message="{mixed["pending"].pk}"' not in page  # the failed ones are shown first
    assert 'id="jg-requeue-all"' in page and "全部 2 条发送失败消息" in page
    sms = admin.get("/operations/outbox/?status=failed&channel=sms.send").content.decode()
    assert f'data-message="{mixed["failed_sms"].pk}"' in sms and f'data-message="{mixed["failed"].pk}"' not in sms
    pending = admin.get("/operations/outbox/?status=pending").content.decode()
    assert f'data-message="{mixed["pending"].pk}"' in pending and "jg-requeue-all" not in pending


def test_one_failed_message_is_sent_again_with_a_reason(admin, mixed):
    target = mixed["failed"]
    response = admin.post("/operations/outbox/requeue/?status=failed", {"id": target.pk, "reason": "财政云已恢复"})
    assert response.status_code == 302 and response["Location"] == "/operations/outbox/?status=failed"
    target.refresh_from_db()
    assert target.status == OutboxStatus.PENDING and target.attempts == 0
    event = AuditEvent.objects.get(action="integrations.requeued")
    assert event.data["reason"] == "财政云已恢复" and event.actor.username == "admin"
    assert OutboxMessage.objects.get(pk=mixed["failed_sms"].pk).status == OutboxStatus.FAILED


def test_every_failed_message_of_a_channel_is_sent_again(admin, mixed):
    response = admin.post("/operations/outbox/requeue/", {"all": "1", "channel": "sms.send", "reason": "网关恢复"})
    assert response.status_code == 302
    assert OutboxMessage.objects.get(pk=mixed["failed_sms"].pk).status == OutboxStatus.PENDING
    assert OutboxMessage.objects.get(pk=mixed["failed"].pk).status == OutboxStatus.FAILED
    assert "已重新排队 1 条消息" in admin.get(response["Location"]).content.decode()


def test_refusals_change_nothing(admin, mixed):
    no_reason = admin.post("/operations/outbox/requeue/", {"id": mixed["failed"].pk, "reason": " "})
    assert no_reason.status_code == 400 and "请填写操作原因" in no_reason.content.decode()
    garbage = admin.post("/operations/outbox/requeue/", {"id": "1x", "reason": "r"})
    assert garbage.status_code == 400 and "消息编号无效" in garbage.content.decode()
    nothing = admin.post("/operations/outbox/requeue/", {"reason": "r"})
    assert nothing.status_code == 400 and "请选择要重发的消息" in nothing.content.decode()
    sent = admin.post("/operations/outbox/requeue/", {"id": mixed["sent"].pk, "reason": "r"})
    assert sent.status_code == 404
    assert OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count() == 2
    assert not AuditEvent.objects.filter(action="integrations.requeued").exists()
    assert admin.get("/operations/outbox/requeue/").status_code == 405


def test_administrators_only(client, mixed):
    client.force_login(User.objects.get(username="officer_pd"))
    assert client.get("/operations/outbox/").status_code == 403
    assert client.post("/operations/outbox/requeue/", {"id": mixed["failed"].pk, "reason": "r"}).status_code == 403
    assert OutboxMessage.objects.get(pk=mixed["failed"].pk).status == OutboxStatus.FAILED


def test_with_nothing_failed_or_pending_the_sent_ones_are_shown(admin, directory):
    sent = _message(9, OutboxStatus.SENT)
    assert f'data-message="{sent.pk}"' in admin.get("/operations/outbox/").content.decode()


def test_empty_and_garbage_filters(admin, directory):
    page = admin.get("/operations/outbox/?status=bogus&channel=nope&page=zz")
    assert page.status_code == 200 and "没有这一状态的外发消息" in page.content.decode()
