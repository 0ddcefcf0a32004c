"""Finance-cloud exchange (M05): signed requests, idempotency, quick retries in the client, and the outbox keeping
messages while the remote is down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domain.contracts import finance
from integrations import outbox
from integrations.finance_cloud import client as fc
from integrations.finance_cloud.simulator import FinanceCloudSimulator, serve
from integrations.models import OutboxMessage, OutboxStatus
from tests.domain.contracts import factories

RECORD = {"project_code": "P1", "project_name": "测试项目", "district_code": "310115", "funding_type": "state"}


def test_client_signs_and_the_remote_records_a_key_once():
    sim = FinanceCloudSimulator(app_id="jg", secret="s3cret")
    with serve(sim) as url:
        client = fc.FinanceCloudClient(base_url=url, app_id="jg", secret="s3cret", sleep=lambda _s: None)
        first = client.send("project", RECORD, idempotency_key="k1")
        again = client.send("project", RECORD, idempotency_key="k1")
        assert first["duplicate"] is False and again == {"receipt_no": first["receipt_no"], "duplicate": True}
        with pytest.raises(fc.FinanceCloudError) as err:
            client.send("project", {**RECORD, "project_name": "改"}, idempotency_key="k1")
        assert err.value.status == 409 and err.value.permanent
        forged = fc.FinanceCloudClient(base_url=url, app_id="jg", secret="wrong", sleep=lambda _s: None)
        with pytest.raises(fc.FinanceCloudError) as err:
            forged.send("project", RECORD, idempotency_key="k2")
        assert err.value.status == 401
    assert len(sim.received("/v1/projects")) == 1


def test_client_retries_transient_failures():
    sim = FinanceCloudSimulator(app_id="jg", secret="s")
    sim.fail_next = 2
    with serve(sim) as url:
        client = fc.FinanceCloudClient(base_url=url, app_id="jg", secret="s", sleep=lambda _s: None, retries=2)
        assert client.send("project", RECORD, idempotency_key="r1")["receipt_no"]
    assert sim.requests == 3


def test_outbox_survives_a_failing_remote(db, directory, settings):
    sim = fc.local_simulator()
    sim.down = True
    project = factories.project()
    finance.send_project(project)
    finance.send_project(project)  # same key: one message
    assert OutboxMessage.objects.filter(channel="finance_cloud.project").count() == 1
    now = timezone.now()
    counts = outbox.deliver_due(now=now)
    message = OutboxMessage.objects.get(channel="finance_cloud.project")
    assert counts["retrying"] == 1 and message.status == OutboxStatus.PENDING and "503" in message.last_error
    assert outbox.deliver_due(now=now)["sent"] == 0  # not due yet: backed off
    sim.down = False
    outbox.deliver_due(now=now + dt.timedelta(hours=2))
    message = OutboxMessage.objects.get(pk=message.pk)
    assert message.status == OutboxStatus.SENT and message.response["receipt_no"].startswith("CZY")
    assert [r["project_code"] for r in sim.received("/v1/projects")].count(project.code) == 1
