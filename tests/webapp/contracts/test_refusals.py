"""Refused actions on the contract pages: the page the person came from again, with the Chinese message, the form as
it was filled in and a 4xx that says what happened — 400 invalid input, 403 not theirs to do, 409 the step or state
moved on — and nothing written (the transaction rolled back). Successes keep redirecting."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from documents.models import Document
from domain.contracts import services, workflow
from domain.contracts.models import (
    Contract,
    ContractChange,
    ContractState,
    Objection,
    PaymentApplication,
    Settlement,
)
from domain.errors import ConflictError
from domain.organisations.models import User
from processes.models import ProcessInstance
from security import audit
from security.models import AuditEvent
from tasks.models import WorkItem
from tests.domain.contracts import factories

SIGN_IN = ("security.login", "security.logout", "security.login_failed")


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def models(directory, publish_models):
    publish_models("contract_signing", "contract_payment", "contract_change")


def rows() -> dict[str, Any]:
    """Everything a contract action could write."""
    return {
        "contracts": list(Contract.objects.order_by("pk").values_list("pk", "state", "updated_at", "process_instance_id")),
        "items": list(WorkItem.objects.order_by("pk").values_list("pk", "status", "completed_at")),
        "instances": list(ProcessInstance.objects.order_by("pk").values_list("pk", "status")),
        "audit": AuditEvent.objects.exclude(action__in=SIGN_IN).count(),  # logging in is not the action
        "documents": Document.objects.count(),
        "objections": Objection.objects.count(),
        "payments": PaymentApplication.objects.count(),
        "changes": ContractChange.objects.count(),
        "settlements": list(Settlement.objects.values_list("pk", "state")),
    }


def started() -> Contract:
    """A drafted contract with signing started through the pages; the employer has confirmed the draft."""
    project = factories.project()
    employer = login("ent_employer")
    employer.post("/contracts/new/", {**factories.contract_data(), "project_id": project.pk,
                                      "contractor_id": factories.contractor_org().pk, "award_id": ""})
    contract = Contract.objects.get(project=project)
    assert employer.post(f"/contracts/{contract.pk}/start/").status_code == 302
    assert employer.post(f"/contracts/{contract.pk}/act/draft/", {"remark": ""}).status_code == 302
    return contract


def under_notice() -> Contract:
    """A state-funded contract both parties confirmed, now under public notice (through the services)."""
    employer, contractor = User.objects.get(username="ent_employer"), User.objects.get(username="ent_contractor")
    contract = factories.draft()
    services.contract_generate(contract=contract, acting_user=employer)
    services.contract_confirm(contract=contract, acting_user=employer)
    services.contract_confirm(contract=contract, acting_user=contractor)
    services.contract_decide_notice(contract=contract)
    contract = services.contract_publish_notice(contract=contract, acting_user=employer)
    assert contract.state == ContractState.UNDER_PUBLIC_NOTICE
    return contract


def test_invalid_step_input_is_a_400_on_the_contract_page(models):
    contract = started()
    before = rows()
    response = login("ent_contractor").post(f"/contracts/{contract.pk}/act/contractor_confirm/", {"remark": "已阅"})
    body = response.content.decode()
    assert response.status_code == 400 and "请阅读合同文本后勾选确认" in body
    assert "承包人确认合同文本" in body and 'name="confirmed"' in body  # the contract page, its form still there
    assert rows() == before


def test_a_step_done_meanwhile_or_a_second_start_is_a_409(models):
    contract = started()
    employer = login("ent_employer")
    before = rows()
    again = employer.post(f"/contracts/{contract.pk}/act/draft/", {"remark": ""})
    assert again.status_code == 409 and "该环节已办理或尚未到达，请刷新页面。" in again.content.decode()
    restart = employer.post(f"/contracts/{contract.pk}/start/")
    assert restart.status_code == 409 and "该合同的网签流程已经启动" in restart.content.decode()
    assert contract.number in restart.content.decode()  # the contract page, drawn again
    assert rows() == before


def test_a_step_that_is_not_theirs_is_a_403(models):
    contract = started()
    before = rows()
    response = login("ent_employer").post(f"/contracts/{contract.pk}/act/contractor_confirm/", {"confirmed": "on"})
    assert response.status_code == 403 and "候选办理人" in response.content.decode()
    draft = factories.draft()
    response = login("ent_contractor").post(f"/contracts/{draft.pk}/start/")
    assert response.status_code == 403 and "只有本合同的发包人可以办理此事项" in response.content.decode()
    assert Contract.objects.get(pk=draft.pk).process_instance_id is None
    assert not ProcessInstance.objects.exclude(pk__in=[i for i, _ in before["instances"]]).exists()


def test_a_refusal_after_a_write_rolls_the_write_back(models, monkeypatch):
    """The step's transaction is the view's: what it wrote before the refusal is gone with it."""
    contract = started()
    before = rows()

    def half_then_refused(**kwargs: Any) -> None:
        audit.record(action="contracts.test_half_written", subject=contract, summary="写了一半")
        Contract.objects.filter(pk=contract.pk).update(title="写了一半的标题")
        raise ConflictError("当前环节不是该事项，页面可能已过期，请刷新后再办理。")

    monkeypatch.setattr(workflow, "act", half_then_refused)
    response = login("ent_contractor").post(f"/contracts/{contract.pk}/act/contractor_confirm/", {"confirmed": "on"})
    assert response.status_code == 409 and "页面可能已过期" in response.content.decode()
    assert rows() == before
    assert Contract.objects.get(pk=contract.pk).title != "写了一半的标题"
    assert not AuditEvent.objects.filter(action="contracts.test_half_written").exists()


def test_a_draft_refused_keeps_what_was_typed(models):
    project = factories.project()
    employer = login("ent_employer")
    before = rows()
    typed = {**factories.contract_data(title="张江科创中心二期施工总承包合同"), "contractor_id": factories.contractor_org().pk}
    for project_id in ("999999", "abc", ""):
        response = employer.post("/contracts/new/", {**typed, "project_id": project_id, "award_id": ""})
        body = response.content.decode()
        assert response.status_code == 400 and "找不到该项目" in body
        assert 'value="张江科创中心二期施工总承包合同"' in body
    response = employer.post("/contracts/new/", {**typed, "project_id": project.pk, "award_id": "x"})
    assert response.status_code == 400 and "该中标结果不属于本项目" in response.content.decode()
    assert rows() == before

    draft = factories.draft()
    before = rows()
    response = employer.post(f"/contracts/{draft.pk}/edit/", {**factories.contract_data(title="改过的名称"),
                                                              "price": "-5"})
    body = response.content.decode()
    assert response.status_code == 400 and 'value="改过的名称"' in body and 'value="-5"' in body
    assert rows() == before
    response = login("ent_contractor").post(f"/contracts/{draft.pk}/edit/", factories.contract_data())
    assert response.status_code == 403 and "只有本合同的发包人可以办理此事项" in response.content.decode()
    assert rows() == before


def test_payment_change_and_settlement_refusals(models):
    contract = factories.announced()
    contractor, employer = login("ent_contractor"), login("ent_employer")
    before = rows()
    response = contractor.post(f"/contracts/{contract.pk}/payments/", {
        "period_end": "2026-11-25", "unit_rate_work": "1000", "advance_recovery": "5000"})
    body = response.content.decode()
    assert response.status_code == 400 and "本期应支付金额不能为负" in body
    assert 'name="advance_recovery" inputmode="decimal" value="5000"' in body  # the form as it was filled in
    response = employer.post(f"/contracts/{contract.pk}/changes/", {
        "kind": "project_manager", "changed_on": "not a date", "project_manager_name": "钱七",
        "reason": "原负责人调离"})
    body = response.content.decode()
    assert response.status_code == 400 and "请填写变更发生日期。" in body
    assert 'value="钱七"' in body and "原负责人调离</textarea>" in body
    response = contractor.post(f"/contracts/{contract.pk}/settlement/")
    assert response.status_code == 400 and "请选择结算清单文件" in response.content.decode()
    response = employer.post(f"/contracts/{contract.pk}/payments/", {"period_end": "2026-11-25"})
    assert response.status_code == 403 and "只有本合同的承包人可以办理此事项" in response.content.decode()
    assert rows() == before

    from domain.contracts import boq, boq_formats
    from tests.domain.contracts import bills

    xml = boq_formats.to_xml("结算", boq.normalise(bills.bid_lines()[:5]))
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert contractor.post(f"/contracts/{contract.pk}/settlement/",
                           {"file": SimpleUploadedFile("s.xml", xml)}).status_code == 302
    assert employer.post(f"/contracts/{contract.pk}/settlement/confirm/").status_code == 302
    before = rows()
    again = employer.post(f"/contracts/{contract.pk}/settlement/confirm/")
    assert again.status_code == 409 and "该结算已确认" in again.content.decode()
    assert rows() == before


def test_objection_refusals_come_back_on_the_page_they_came_from(models):
    contract = under_notice()
    lessor = login("ent_lessor")
    before = rows()
    response = lessor.post(f"/contracts/{contract.pk}/object/", {"grounds": "不实"})
    body = response.content.decode()
    assert response.status_code == 400 and "请写明异议事项和理由（至少5个字）" in body
    assert "不实</textarea>" in body and "提出异议" in body  # the public page, the text kept
    response = login("ent_employer").post(f"/contracts/{contract.pk}/object/", {"grounds": "短", "from": "detail"})
    body = response.content.decode()
    assert response.status_code == 400 and "至少5个字" in body and "待我办理" in body  # the contract page
    assert lessor.post(f"/contracts/{contract.pk}/object/", {"grounds": "短", "from": "detail"}).status_code == 400
    assert rows() == before

    announced = factories.announced()
    before = rows()
    response = lessor.post(f"/contracts/{announced.pk}/object/", {"grounds": "公告后才提出的异议内容"})
    assert response.status_code == 409 and "只能对公示期内的合同提出异议" in response.content.decode()
    assert rows() == before
    ok = lessor.post(f"/contracts/{contract.pk}/object/", {"grounds": "中标人项目负责人业绩不实。"})
    assert ok.status_code == 302 and Objection.objects.filter(contract=contract).count() == 1
