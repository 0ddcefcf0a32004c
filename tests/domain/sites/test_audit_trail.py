"""Site supervision writes no person made: the approval system's permit push and SMS delivery reports."""

import json
from decimal import Decimal

import pytest

from domain.organisations.models import District
from domain.sites import notices, services
from domain.sites.models import DrawRound, SmsNotice, SmsStatus
from security.audit import history_for
from security.chain import verify_chain

from .factories import SiteFactory
from .test_permit_format import permit_payload

pytestmark = pytest.mark.django_db


def test_a_pushed_permit_names_the_approval_system_as_actor(directory):
    scope = {"structure": True, "fire_system": False, "facade": False}  # not general decoration: no site opened
    permit, created = services.receive_permit(body=json.dumps(permit_payload(scope=scope)).encode(),
                                              content_type="application/json")
    assert created
    events = list(history_for(permit))
    assert [e.action for e in events] == ["sites.permit_received", "sites.permit_classified"]
    assert {e.actor_username for e in events} == {"系统（施工许可审批系统）"}
    assert verify_chain().ok


def test_a_delivery_report_from_the_sms_gateway_is_audited(directory, monkeypatch):
    site = SiteFactory()
    round_ = DrawRound.objects.create(district=District.objects.get(pk="310115"), round_key="2026-11",
                                      proportion=Decimal("0.1"), commitment="0" * 64, population_digest="0" * 64)
    notice = SmsNotice.objects.create(site=site, draw_round=round_, recipient_role="employer_contact",
                                      phone="13912345678", text="抽中告知", status=SmsStatus.SENT,
                                      gateway_message_id="gw-1")

    class Gateway:
        def status(self, msg_id):
            return {"gw-1": "delivered"}[msg_id]

    monkeypatch.setattr(notices.SmsClient, "from_settings", classmethod(lambda cls: Gateway()))
    assert notices.refresh_delivery_status() == 1
    assert notices.refresh_delivery_status() == 0  # nothing left to confirm
    [event] = history_for(notice)
    assert event.action == "sites.sms_status_changed" and event.after == {"status": SmsStatus.DELIVERED}
    assert "13912345678" not in event.subject_repr + event.summary  # the recipient's number stays masked
    assert SmsNotice.objects.get(pk=notice.pk).status == SmsStatus.DELIVERED
    assert verify_chain().ok


def test_the_summary_the_approval_system_pulls_is_issued_in_its_name(directory):
    from documents.models import Document
    from domain.sites.summary import supervision_summary

    site = SiteFactory()
    supervision_summary(site)
    document = Document.objects.get(title="工地安全质量监督小结")
    [event] = history_for(document)
    assert event.action == "documents.issued" and event.actor_username == "系统（施工许可审批系统）"
    assert verify_chain().ok
