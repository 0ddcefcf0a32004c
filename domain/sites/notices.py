"""Delivery of draw notices by SMS (M19): the outbox channel ``sms.send`` sends one ``SmsNotice`` through the
gateway and tracks its delivery status."""

from __future__ import annotations

from typing import Any

from integrations import outbox
from integrations.models import OutboxMessage
from integrations.sms.client import SmsClient, SmsGatewayError
from security.fields import plain

from .models import SmsNotice, SmsStatus


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
        if new:
            changed += SmsNotice.objects.filter(pk=notice.pk).update(status=new)
    return changed
