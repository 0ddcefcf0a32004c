"""The signing procedure (M01) driven through the real BPMN: start, complete work items as the demo users, fire
timers and deliver the objection message; every instance round-trips through the serializer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from domain.contracts import services, workflow
from domain.contracts.models import Contract, ContractState, ObjectionState
from domain.errors import DomainError, TransitionNotAllowed
from processes import engine
from processes.models import ProcessInstance
from security.models import AuditEvent
from tests.processes.conftest import round_trip

from . import factories

FAR = timezone.now() + dt.timedelta(days=120)


def fresh(obj):
    """Re-read a row (protected FSM fields cannot be refreshed in place)."""
    return type(obj).objects.get(pk=obj.pk)


def step(contract: Contract, element: str, who, data: dict | None = None) -> Contract:
    workflow.act(instance_id=contract.process_instance_id, element_id=element, data=data or {}, acting_user=who)
    round_trip(ProcessInstance.objects.get(pk=int(contract.process_instance_id or 0)))
    return fresh(contract)


def to_notice(user, **extra) -> Contract:
    contract = factories.draft(**extra)
    contract = workflow.start_signing(contract=contract, acting_user=user("ent_employer"))
    contract = step(contract, "draft", user("ent_employer"))
    assert contract.state == ContractState.GENERATED and contract.document_id
    contract = step(contract, "contractor_confirm", user("ent_contractor"), {"confirmed": True})
    assert contract.state == ContractState.CONFIRMED_BY_CONTRACTOR
    return step(contract, "employer_confirm", user("ent_employer"), {"confirmed": True})


@pytest.fixture
def ready(contract_models, directory, user):
    return user


def test_whole_signing_path_with_notice_to_announcement(ready):
    user = ready
    contract = to_notice(user)
    assert contract.state == ContractState.UNDER_PUBLIC_NOTICE
    assert contract.notice_working_days == 5 and contract.notice_ends_on > contract.notice_starts_on
    engine.fire_due_timers(now=FAR)
    contract = fresh(contract)
    assert contract.state == ContractState.AWAITING_SIGNATURE
    contract = step(contract, "employer_seal", user("ent_employer"), {"seal": True})
    assert contract.state == ContractState.AWAITING_SIGNATURE and contract.employer_sealed_at
    contract = step(contract, "contractor_seal", user("ent_contractor"), {"seal": True})
    assert contract.state == ContractState.SIGNED and contract.filing_due_on
    contract = step(contract, "file_contract", user("ent_employer"), {"declaration": True})
    assert contract.state == ContractState.ANNOUNCED and contract.announcement_document_id

    from documents.models import Document
    from documents.verify import verify_pdf

    pdf = Document.objects.get(pk=contract.document_id)
    assert pdf.signatures.count() == 2
    assert verify_pdf(pdf.pdf_bytes()).status == "valid"
    instance = ProcessInstance.objects.get(pk=int(contract.process_instance_id or 0))
    assert instance.status == "completed"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"contracts.generated", "contracts.notice_published", "contracts.sealed", "contracts.announced"} <= actions


def test_objection_blocks_signing_until_answered_and_decided(ready):
    user = ready
    contract = to_notice(user)
    objection = services.objection_file(contract=contract, grounds="项目负责人同时在其他在建项目任职。",
                                        acting_user=user("ent_lessor"))
    contract = fresh(contract)
    assert contract.state == ContractState.OBJECTION_PENDING
    # the notice period runs out, but an unanswered objection keeps the contract from signature
    engine.fire_due_timers(now=FAR)
    contract = fresh(contract)
    assert contract.state == ContractState.OBJECTION_PENDING
    with pytest.raises(TransitionNotAllowed):
        services.contract_close_notice(contract=contract)
    with pytest.raises(TransitionNotAllowed):
        services.contract_seal(contract=contract, acting_user=user("ent_employer"))
    assert workflow.ready_item(contract.process_instance_id, "employer_seal") is None

    # the officer cannot decide before the employer answered; a Huangpu officer cannot act on a Pudong case
    assert workflow.ready_item(contract.process_instance_id, "decide_objection") is None
    contract = step(contract, "answer_objection", user("ent_employer"), {"answer": "该负责人已于上月办理离任手续，附证明。"})
    objection = fresh(objection)
    assert objection.state == ObjectionState.ANSWERED and objection.answer_document_id
    with pytest.raises((DomainError, PermissionDenied)):
        step(contract, "decide_objection", user("officer_hp"), {"objection_stands": False, "decision_reason": "理由不成立。"})
    contract = step(contract, "decide_objection", user("officer_pd"),
                    {"objection_stands": False, "decision_reason": "经核查已离任，异议不成立。"})
    objection = fresh(objection)
    assert objection.state == ObjectionState.DISMISSED
    engine.fire_due_timers(now=FAR)
    contract = fresh(contract)
    assert contract.state == ContractState.AWAITING_SIGNATURE
    assert workflow.ready_item(contract.process_instance_id, "employer_seal") is not None


def test_upheld_objection_returns_the_contract_to_the_employer(ready):
    user = ready
    contract = to_notice(user)
    services.objection_file(contract=contract, grounds="合同价款与中标价不一致。", acting_user=user("ent_lessor"))
    contract = fresh(contract)
    contract = step(contract, "answer_objection", user("ent_employer"), {"answer": "系笔误，将更正。"})
    contract = step(contract, "decide_objection", user("officer_pd"),
                    {"objection_stands": True, "decision_reason": "异议属实，退回修改。"})
    assert contract.state == ContractState.DRAFT
    assert contract.employer_confirmed_at is None
    assert workflow.ready_item(contract.process_instance_id, "draft") is not None
    # the employer corrects the draft and the contract goes round again to a fresh notice
    first_document = contract.document_id
    services.contract_update_draft(contract=contract, data={"title": "某住宅项目施工总承包合同（更正）"},
                                   acting_user=user("ent_employer"))
    contract = step(contract, "draft", user("ent_employer"))
    assert contract.state == ContractState.GENERATED and contract.document_id != first_document
    contract = step(contract, "employer_confirm", user("ent_employer"), {"confirmed": True})
    contract = step(contract, "contractor_confirm", user("ent_contractor"), {"confirmed": True})
    assert contract.state == ContractState.UNDER_PUBLIC_NOTICE and not contract.has_open_objection()


def test_small_private_contract_skips_the_notice(ready):
    user = ready
    project = factories.project(funding_type="private")
    contract = to_notice(user, project=project, price="800000.00")
    assert contract.public_notice_required is False
    assert contract.state == ContractState.AWAITING_SIGNATURE


def test_filing_deadline_raises_an_overdue_item_for_the_district_officer(ready):
    user = ready
    contract = to_notice(user)
    engine.fire_due_timers(now=FAR)
    contract = fresh(contract)
    contract = step(contract, "employer_seal", user("ent_employer"), {"seal": True})
    contract = step(contract, "contractor_seal", user("ent_contractor"), {"seal": True})
    assert contract.state == ContractState.SIGNED
    engine.fire_due_timers(now=timezone.now() + dt.timedelta(days=45))
    contract = fresh(contract)
    assert contract.filing_overdue is True
    item = workflow.ready_item(contract.process_instance_id, "urge_filing")
    assert item is not None and item.district_code == "310115"
    from tasks.selectors import inbox_for

    assert inbox_for(user("officer_pd"), scope="all").filter(pk=item.pk).exists()
    assert not inbox_for(user("officer_hp"), scope="all").filter(pk=item.pk).exists()
    # the employer can still file late
    contract = step(contract, "file_contract", user("ent_employer"), {"declaration": True})
    assert contract.state == ContractState.ANNOUNCED


def test_contractor_steps_go_to_every_operator_of_the_contractor_and_to_no_one_else(ready):
    from django.contrib.auth.models import Group

    from domain.errors import ProcedureError
    from domain.organisations.models import User
    from domain.organisations.roles import Role

    user = ready
    contractor = factories.contractor_org()
    colleague = User.objects.create(username="ent_contractor_2", full_name="钱多", organisation=contractor)
    colleague.groups.add(Group.objects.get(name=Role.ENTERPRISE_OPERATOR.value))
    contract = workflow.start_signing(contract=factories.draft(), acting_user=user("ent_employer"))
    contract = step(contract, "draft", user("ent_employer"))
    item = workflow.ready_item(contract.process_instance_id, "contractor_confirm")
    assert item.assignee_id is None  # offered to the party, not pinned to one person
    for outsider in (user("ent_employer"), user("ent_contractor_legal")):
        with pytest.raises((DomainError, PermissionDenied)):
            step(contract, "contractor_confirm", outsider, {"confirmed": True})
    contract = step(contract, "contractor_confirm", colleague, {"confirmed": True})  # not the first operator
    assert contract.state == ContractState.CONFIRMED_BY_CONTRACTOR

    # a contractor with no active operator cannot be asked to sign: refused before anything starts
    User.objects.filter(organisation=contractor, groups__name=Role.ENTERPRISE_OPERATOR).update(is_active=False)
    other = factories.draft()
    with pytest.raises(ProcedureError, match="承包人尚无企业经办人账号"):
        workflow.start_signing(contract=other, acting_user=user("ent_employer"))
    assert fresh(other).process_instance_id is None and fresh(other).state == ContractState.DRAFT


def test_a_form_cannot_redirect_the_other_partys_steps(ready):
    """Fields a form does not declare never reach the process variables: the employer cannot point the contractor's
    steps at another organisation by adding ``contractor_org_id`` to the draft step's data."""
    user = ready
    contract = workflow.start_signing(contract=factories.draft(), acting_user=user("ent_employer"))
    employer_org = user("ent_employer").organisation_id
    contract = step(contract, "draft", user("ent_employer"), {"contractor_org_id": employer_org})
    instance = ProcessInstance.objects.get(pk=contract.process_instance_id)
    assert instance.data["contractor_org_id"] == contract.contractor_id
    with pytest.raises((DomainError, PermissionDenied)):
        step(contract, "contractor_confirm", user("ent_employer"), {"confirmed": True})
    contract = step(contract, "contractor_confirm", user("ent_contractor"), {"confirmed": True})
    assert contract.state == ContractState.CONFIRMED_BY_CONTRACTOR
