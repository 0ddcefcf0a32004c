"""Permit intake from the approval system: signed, idempotent, classified by DMN, sites opened with a sealed task
sheet and a supervision case; bad payloads get 400 with reasons and store nothing (M17, M21, M22)."""

import base64
import json
import time

import pytest
from django.conf import settings

from documents.models import Document
from domain.sites.models import Permit, Site
from integrations.approval_system import sign
from processes.models import ProcessInstance
from tests.domain.sites.test_permit_format import permit_payload

URL = "/api/integrations/permits/"


def _headers(method, path, body, secret=None, ts=None):
    ts = ts or str(int(time.time()))
    return {
        "HTTP_X_TIMESTAMP": ts,
        "HTTP_X_SIGNATURE": sign(secret or settings.PERMIT_API_SECRET, timestamp=ts, method=method, path=path, body=body),
    }


def _post(client, data, content_type="application/json", **kw):
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return client.generic("POST", URL, body, content_type=content_type, **_headers("POST", URL, body, **kw))


@pytest.fixture
def ready(directory, publish_models):
    publish_models("site_supervision")


@pytest.mark.django_db
def test_general_decoration_permit_opens_a_flagged_site_with_task_sheet_and_case(client, ready):
    resp = _post(client, permit_payload())
    assert resp.status_code == 201, resp.content
    assert resp.json()["is_general_decoration"] is True
    site = Site.objects.get(permit__permit_number="310115202611010001")
    assert site.is_general_decoration and site.district_id == "310115"
    sheet = Document.objects.get(title__startswith="建设工程安全质量监督任务书")
    assert sheet.pdf_bytes().startswith(b"%PDF")
    case = ProcessInstance.objects.get(business_key="310115202611010001")
    assert case.subject == site


@pytest.mark.django_db
@pytest.mark.parametrize(("scope", "reason"), [
    ({"structure": True, "fire_system": False, "facade": False}, "涉及主体结构"),
    ({"structure": False, "fire_system": True, "facade": False}, "涉及消防设施"),
    ({"structure": False, "fire_system": False, "facade": True}, "涉及建筑外立面"),
])
def test_works_touching_structure_fire_or_facade_are_not_general_decoration(client, ready, scope, reason):
    resp = _post(client, permit_payload(scope=scope))
    assert resp.status_code == 201 and resp.json()["is_general_decoration"] is False
    assert not Site.objects.exists()
    from security.models import AuditEvent

    assert AuditEvent.objects.filter(action="sites.permit_classified", summary__contains=reason).exists()


@pytest.mark.django_db
def test_small_works_below_the_permit_threshold_are_not_flagged(client, ready):
    resp = _post(client, permit_payload(contract_amount="500000", floor_area="120"))
    assert resp.status_code == 201 and resp.json()["is_general_decoration"] is False


@pytest.mark.django_db
def test_intake_is_idempotent_on_the_permit_number(client, ready):
    assert _post(client, permit_payload()).status_code == 201
    again = _post(client, permit_payload())
    assert again.status_code == 200 and again.json()["created"] is False
    assert Permit.objects.count() == 1 and Site.objects.count() == 1 and ProcessInstance.objects.count() == 1
    changed = _post(client, permit_payload(project_name="另一个项目名称"))
    assert changed.status_code == 409


@pytest.mark.django_db
def test_xml_permits_are_accepted(client, ready):
    from tests.domain.sites.test_permit_format import CONTRACTOR, EMPLOYER

    xml = (
        "<permit><permit_number>310101202611010009</permit_number><project_name>外滩某办公楼装修</project_name>"
        "<district_code>310101</district_code><address>黄浦区中山东一路1号</address>"
        f"<employer><name>上海申城置业发展有限公司</name><credit_code>{EMPLOYER}</credit_code><contact>杨帆</contact>"
        "<phone>13912345678</phone></employer>"
        f"<contractor><name>上海浦江建设集团有限公司</name><credit_code>{CONTRACTOR}</credit_code></contractor>"
        "<contract_amount>1500000</contract_amount><floor_area>900</floor_area><works_description>室内装修</works_description>"
        "<scope><structure>false</structure><fire_system>false</fire_system><facade>false</facade></scope>"
        "<issued_on>2026-11-03</issued_on></permit>"
    ).encode()
    resp = _post(client, xml, content_type="application/xml")
    assert resp.status_code == 201, resp.content
    assert Site.objects.get().district_id == "310101"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [
    permit_payload(district_code="110101"),
    permit_payload(contract_amount="lots"),
    {"permit_number": "310115202611010001"},
    b"{broken",
])
def test_bad_payloads_get_400_with_reasons_and_store_nothing(client, ready, payload):
    resp = _post(client, payload)
    assert resp.status_code == 400, resp.content
    assert resp.json()["detail"]
    assert not Permit.objects.exists() and not Site.objects.exists()


@pytest.mark.django_db
def test_unsigned_or_stale_or_forged_requests_are_refused(client, ready):
    body = json.dumps(permit_payload()).encode()
    assert client.generic("POST", URL, body, content_type="application/json").status_code == 401
    stale = _post(client, permit_payload(), ts=str(int(time.time()) - 3600))
    assert stale.status_code == 401
    forged = _post(client, permit_payload(), secret="not-the-secret")
    assert forged.status_code == 401 and "签名" in forged.json()["detail"]
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_completion_filing_pulls_the_supervision_summary(client, ready):
    _post(client, permit_payload())
    path = "/api/integrations/sites/310115202611010001/supervision-summary/"
    resp = client.get(path, **_headers("GET", path, b""))
    assert resp.status_code == 200
    data = resp.json()
    assert data["is_general_decoration"] is True and data["permit_number"] == "310115202611010001"
    assert any("自动建立工地" in r["what"] for r in data["record"])
    assert base64.b64decode(data["summary_pdf_base64"]).startswith(b"%PDF")
    missing = "/api/integrations/sites/nope/supervision-summary/"
    assert client.get(missing, **_headers("GET", missing, b"")).status_code == 404
    assert client.get(path).status_code == 401
