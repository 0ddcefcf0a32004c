"""Contract pages in the browser flow: the employer drafts and starts signing, each party confirms on the contract
page (forms rendered from the work item's schema), public notice and announcement pages need no login, the officer
desk lists objections and payment supervision, refusals are the page again with a message and a 4xx."""

from __future__ import annotations

import pytest
from django.test import Client

from domain.contracts.models import Contract
from domain.organisations.models import User
from tests.domain.contracts import factories


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def models(directory, publish_models):
    publish_models("contract_signing", "contract_payment", "contract_change")


def test_draft_start_and_confirm_in_the_browser(models):
    project = factories.project()
    employer = login("ent_employer")
    page = employer.get("/contracts/new/")
    assert page.status_code == 200 and project.name in page.content.decode()
    response = employer.post("/contracts/new/", {**factories.contract_data(), "project_id": project.pk,
                                                 "contractor_id": factories.contractor_org().pk, "award_id": ""})
    assert response.status_code == 302
    contract = Contract.objects.get(project=project)
    assert employer.post(f"/contracts/{contract.pk}/start/").status_code == 302
    page = employer.get(f"/contracts/{contract.pk}/").content.decode()
    assert "确认合同草稿" in page and "待我办理" in page
    employer.post(f"/contracts/{contract.pk}/act/draft/", {"remark": ""})
    contractor = login("ent_contractor")
    page = contractor.get(f"/contracts/{contract.pk}/").content.decode()
    assert "承包人确认合同文本" in page and 'name="confirmed"' in page
    response = contractor.post(f"/contracts/{contract.pk}/act/contractor_confirm/", {})
    assert response.status_code == 400 and "请阅读合同文本后勾选确认" in response.content.decode()  # unticked
    contractor.post(f"/contracts/{contract.pk}/act/contractor_confirm/", {"confirmed": "on"})
    employer.post(f"/contracts/{contract.pk}/act/employer_confirm/", {"confirmed": "on"})
    assert Contract.objects.get(pk=contract.pk).state == "under_public_notice"

    anonymous = Client()
    assert contract.number in anonymous.get("/contracts/notices/").content.decode()
    public = anonymous.get(f"/contracts/public/{contract.pk}/").content.decode()
    assert "登录</a>后可对公示内容提出异议" in public
    lessor = login("ent_lessor")
    lessor.post(f"/contracts/{contract.pk}/object/", {"grounds": "中标人项目负责人业绩不实。"})
    assert Contract.objects.get(pk=contract.pk).state == "objection_pending"
    desk = login("officer_pd").get("/contracts/officer/").content.decode()
    assert "中标人项目负责人业绩不实" in desk
    assert "中标人项目负责人业绩不实" not in login("officer_hp").get("/contracts/officer/").content.decode()
    assert lessor.get(f"/contracts/{contract.pk}/").status_code == 404  # not a party


def test_payment_supervision_settlement_and_public_pages(models):
    contract = factories.announced()
    contractor, employer = login("ent_contractor"), login("ent_employer")
    response = contractor.post(f"/contracts/{contract.pk}/payments/", {
        "period_end": "2026-11-25", "unit_rate_work": "1000000", "lump_sum_items": "0", "day_work": "0",
        "safety_fee": "0", "additions": "0", "advance_recovery": "0", "employer_supplied": "0",
        "cumulative_completed": "0", "cumulative_paid": "0"})
    assert response.status_code == 302
    payment = contract.payments.get()
    page = employer.get(f"/contracts/{contract.pk}/").content.decode()
    assert "发包人核实进度款" in page
    employer.post(f"/contracts/{contract.pk}/payments/{payment.pk}/act/verify_payment/", {"certified_amount": "400000"})
    rows = login("officer_pd").get("/contracts/officer/").content.decode()
    assert "支付比例低于本期完成价款的60%" in rows

    bad = contractor.post(f"/contracts/{contract.pk}/settlement/", {"file": _upload(b"<oops")})
    assert bad.status_code == 400 and "不是有效的 XML" in bad.content.decode()
    from domain.contracts import boq, boq_formats
    from tests.domain.contracts import bills

    xml = boq_formats.to_xml("结算", boq.normalise(bills.bid_lines()[:20]))
    contractor.post(f"/contracts/{contract.pk}/settlement/", {"file": _upload(xml, "s.xml")})
    employer.post(f"/contracts/{contract.pk}/settlement/confirm/")
    employer.post(f"/contracts/{contract.pk}/settlement/publish/")
    assert Contract.objects.get(pk=contract.pk).state == "settled"
    anonymous = Client()
    assert contract.number in anonymous.get("/contracts/announcements/", {"q": contract.project.name}).content.decode()
    comparison = anonymous.get(f"/contracts/public/{contract.pk}/settlement/")
    assert comparison.status_code == 200 and "新增" in comparison.content.decode()
    assert "结算价" in comparison.content.decode() and "非招标" in comparison.content.decode()
    assert anonymous.get("/contracts/").status_code == 302  # my contracts need a login


def test_figures_and_text_the_columns_cannot_hold_are_refused_on_the_pages(models):
    """Draft edit and payment application with an amount of 20 digits or an over-long title: a 4xx with the
    field's message (the database overflowed, a 500), the draft unchanged and no payment written."""
    employer = login("ent_employer")
    draft = factories.draft()
    before = Contract.objects.get(pk=draft.pk).describe()
    for data, message in (({"price": "99999999999999999999"}, "合同价款超出可登记的范围"),
                          ({"title": "长" * 201}, "合同名称不能超过 200 个字"),
                          ({"duration_days": "99999999999999999999"}, "工期应为不超过 36500 的正整数")):
        response = employer.post(f"/contracts/{draft.pk}/edit/", {**factories.contract_data(), **data})
        assert response.status_code == 400 and message in response.content.decode()
    assert Contract.objects.get(pk=draft.pk).describe() == before
    contract = factories.announced()
    response = login("ent_contractor").post(f"/contracts/{contract.pk}/payments/", {
        "period_end": "2026-11-25", "unit_rate_work": "99999999999999999999"})
    assert response.status_code == 400 and "本期完成单价项目金额超出可登记的范围" in response.content.decode()
    assert not contract.payments.exists()


def _upload(data: bytes, name: str = "s.xml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_officer_reviews_a_change_on_the_contract_page(models):
    contract = factories.announced()
    login("ent_employer").post(f"/contracts/{contract.pk}/changes/", {
        "kind": "project_manager", "changed_on": "2026-11-20", "project_manager_name": "钱七",
        "project_manager_cert_no": "沪1312015202000088", "reason": "原负责人调离"})
    change = contract.changes.get()
    officer = login("officer_pd")
    page = officer.get(f"/contracts/{contract.pk}/").content.decode()
    assert "审核合同变更" in page and "钱七" in page
    officer.post(f"/contracts/{contract.pk}/changes/{change.pk}/act/review_change/", {"accept": "on"})
    assert Contract.objects.get(pk=contract.pk).project_manager_name == "钱七"


def test_cockpit_shows_contract_panels(models):
    factories.announced()
    page = login("leader").get("/cockpit/")
    assert page.status_code == 200 and "合同状态分布" in page.content.decode()
