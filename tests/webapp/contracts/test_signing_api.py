"""The whole signing path through the API and the real BPMN: draft, start, confirm, public notice, an objection
filed by a third party, answered by the employer and decided by the Pudong officer, e-seals, filing,
announcement; then public search, the sealed PDF verifies, and bad input gets 4xx with a Chinese message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domain.contracts.models import Contract, FundingType, Project
from domain.organisations.models import District, User
from processes import engine


@pytest.fixture
def project(directory, publish_models):
    publish_models("contract_signing", "contract_payment", "contract_change")
    employer = User.objects.get(username="ent_employer").organisation
    return Project.objects.create(code="310115202600077", name="浦东新区川沙保障房项目", funding_type=FundingType.STATE,
                                  district=District.objects.get(pk="310115"), employer=employer,
                                  registered_on=dt.date(2026, 2, 1))


def act(client, pk, element, data=None, expect=200):
    response = client.post(f"/api/contracts/{pk}/act/", {"element": element, "data": data or {}}, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def test_whole_signing_path_through_the_api(api, project):
    employer, contractor, officer = api("ent_employer"), api("ent_contractor"), api("officer_pd")
    contractor_id = User.objects.get(username="ent_contractor").organisation_id
    body = {"project_id": project.pk, "contractor_id": contractor_id, "title": "川沙保障房施工总承包合同",
            "scope": "土建、安装及室外总体", "price": "45800000.00", "pricing_method": "unit_price",
            "duration_days": "600", "quality_standard": "合格", "project_manager_name": "陈立",
            "project_manager_cert_no": "沪1312015201700123"}
    response = employer.post("/api/contracts/", body, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert employer.post(f"/api/contracts/{pk}/start/").status_code == 200
    act(employer, pk, "draft")
    detail = contractor.get(f"/api/contracts/{pk}/").json()
    assert [r["element"] for r in detail["ready"]] == ["contractor_confirm"]
    act(contractor, pk, "contractor_confirm", {"confirmed": False}, expect=400)  # must tick the confirmation
    act(contractor, pk, "contractor_confirm", {"confirmed": True})
    state = act(employer, pk, "employer_confirm", {"confirmed": True})
    assert state["state"] == "under_public_notice" and state["notice_working_days"] == 5

    notices = api().get("/api/contracts/notices/").json()
    assert [n["number"] for n in notices] == [state["number"]]
    assert api().post(f"/api/contracts/{pk}/objections/", {"grounds": "匿名异议内容"}, format="json").status_code in (401, 403)
    response = api("ent_lessor").post(f"/api/contracts/{pk}/objections/", {"grounds": "项目负责人陈立另有在建项目。"},
                                      format="json")
    assert response.status_code == 201
    act(employer, pk, "employer_seal", {"seal": True}, expect=409)  # not reachable while the objection is open
    act(employer, pk, "answer_objection", {"answer": "陈立已于本月离任原项目，附离任证明。"})
    act(api("officer_hp"), pk, "decide_objection", {"objection_stands": False, "decision_reason": "不成立"},
        expect=404)  # a Huangpu officer cannot even see a Pudong contract
    act(officer, pk, "decide_objection", {"objection_stands": False, "decision_reason": "经核查已离任，异议不成立。"})
    engine.fire_due_timers(now=timezone.now() + dt.timedelta(days=30))
    assert employer.get(f"/api/contracts/{pk}/").json()["state"] == "awaiting_signature"
    act(contractor, pk, "contractor_seal", {"seal": True})
    state = act(employer, pk, "employer_seal", {"seal": True})
    assert state["state"] == "signed" and state["filing_due_on"]
    state = act(employer, pk, "file_contract", {"declaration": True})
    assert state["state"] == "announced"

    found = api().get("/api/contracts/announcements/", {"q": "川沙"}).json()
    assert [r["number"] for r in found["results"]] == [state["number"]]
    assert api().get("/api/contracts/announcements/", {"q": "不存在的项目"}).json()["count"] == 0

    from documents.models import Document
    from documents.verify import verify_pdf

    pdf = Document.objects.get(pk=Contract.objects.get(pk=pk).document_id)
    assert verify_pdf(pdf.pdf_bytes()).status == "valid" and pdf.signatures.count() == 2


def test_bad_input_is_a_4xx_with_a_chinese_message(api, project):
    employer = api("ent_employer")
    contractor_id = User.objects.get(username="ent_contractor").organisation_id
    response = employer.post("/api/contracts/", {"project_id": project.pk, "contractor_id": contractor_id,
                                                 "title": "x", "scope": "y", "price": "abc", "pricing_method": "zz",
                                                 "duration_days": "-3", "quality_standard": "合格",
                                                 "project_manager_name": "陈立"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "合同价款" in errors["price"][0] and "计价方式" in errors["pricing_method"][0]
    assert api("ent_contractor").post("/api/contracts/", {**{"project_id": project.pk, "contractor_id": contractor_id},
                                      "title": "x", "scope": "y", "price": "1", "pricing_method": "lump_sum",
                                      "duration_days": "1", "quality_standard": "合格",
                                      "project_manager_name": "a"}, format="json").status_code == 400
    assert employer.post("/api/contracts/999999/act/", {"element": "draft"}, format="json").status_code == 404
    assert api("ent_lessor").get("/api/contracts/").json()["count"] == 0
