"""Delivery of draw notices by SMS (M19): the outbox channel ``sms.send`` sends one ``SmsNotice`` through the
gateway and tracks its delivery status."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from integrations import outbox
from integrations.models import OutboxMessage
from integrations.sms.client import SmsClient, SmsGatewayError
from security import audit
from security.fields import plain

from .models import SmsNotice, SmsStatus

RECIPIENTS = {"district_contact": "区监督机构联系人", "employer_contact": "建设单位联系人"}


@outbox.sender("sms.send")
def send_sms_notice(message: OutboxMessage) -> dict[str, Any]:
    notice = SmsNotice.objects.get(pk=message.payload["notice_id"])
    if notice.status in (SmsStatus.SENT, SmsStatus.DELIVERED):
        return {"msg_id": notice.gateway_message_id, "status": notice.status}
    client = SmsClient.from_settings()
    try:
        msg_id = client.send(phone=plain(notice.phone), text=notice.text, ref=f"notice-{notice.pk}")
    except SmsGatewayError as exc:
        if exc.permanent:
            SmsNotice.objects.filter(pk=notice.pk).update(status=SmsStatus.FAILED)
        raise
    status = SmsStatus.SENT
    try:
        if client.status(msg_id) == "delivered":
            status = SmsStatus.DELIVERED
    except SmsGatewayError:
        pass  # delivery status is refreshed later by refresh_delivery_status
    SmsNotice.objects.filter(pk=notice.pk).update(status=status, gateway_message_id=msg_id)
    return {"msg_id": msg_id, "status": status}


def refresh_delivery_status() -> int:
    """Ask the gateway about notices submitted but not yet confirmed delivered; returns how many changed."""
    client = SmsClient.from_settings()
    changed = 0
    for notice in SmsNotice.objects.filter(status=SmsStatus.SENT).exclude(gateway_message_id=""):
        try:
            remote = client.status(notice.gateway_message_id)
        except SmsGatewayError:
            continue
        new = {"delivered": SmsStatus.DELIVERED, "failed": SmsStatus.FAILED}.get(remote)
        if not new:
            continue
        with transaction.atomic():
            if SmsNotice.objects.filter(pk=notice.pk, status=SmsStatus.SENT).update(status=new):
                changed += 1
                recipient = RECIPIENTS.get(notice.recipient_role, notice.recipient_role)
                audit.record(
                    action="sites.sms_status_changed",
                    subject=notice,
                    summary=f"短信送达状态：{SmsStatus(new).label}（{recipient}）",
                    before={"status": SmsStatus.SENT.value},
                    after={"status": new},
                    data={"gateway_message_id": notice.gateway_message_id},
                )
    return changed
