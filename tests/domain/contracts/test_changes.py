"""Changes (M02): each change is its own small process reviewed by the project's district officer; filed within
15 days (late filings flagged); an accepted project-manager change updates the contract and its history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from domain.contracts import changes, workflow
from domain.contracts.models import ChangeState, Contract, ContractChange, ContractState
from domain.errors import DomainError, TransitionNotAllowed
from integrations.models import OutboxMessage
from security.audit import history_for

from . import factories


@pytest.fixture
def contract(contract_models, directory):
    return factories.announced()


def test_project_manager_change_reviewed_by_the_district_officer(contract, user):
    change = changes.change_file(contract=contract, kind="project_manager", changed_on=timezone.localdate(),
                                 data={"project_manager_name": "钱七", "project_manager_cert_no": "沪1312015202000088"},
                                 reason="原项目负责人调离", acting_user=user("ent_employer"))
    assert change.late is False and change.due_on >= timezone.localdate() + dt.timedelta(days=15)
    with pytest.raises(DomainError):  # a Huangpu officer is not offered a Pudong change
        workflow.act(instance_id=change.process_instance_id, element_id="review_change",
                     data={"accept": True}, acting_user=user("officer_hp"))
    workflow.act(instance_id=change.process_instance_id, element_id="review_change",
                 data={"accept": True, "review_comment": "证书有效，同意备案"}, acting_user=user("officer_pd"))
    change = ContractChange.objects.get(pk=change.pk)
    contract = Contract.objects.get(pk=contract.pk)
    assert change.state == ChangeState.ACCEPTED and change.before["project_manager_name"] == "王建国"
    assert contract.state == ContractState.CHANGED and contract.project_manager_name == "钱七"
    assert OutboxMessage.objects.filter(idempotency_key=f"finance_cloud.contract:{contract.number}:v1").exists()
    assert any("已备案" in e.summary for e in history_for(contract))


def test_late_change_is_flagged_and_text_change_needs_the_agreement(contract, user):
    late = changes.change_file(contract=contract, kind="party_name", changed_on=timezone.localdate() - dt.timedelta(days=40),
                               data={"party": "contractor", "new_name": "上海浦江建设（集团）股份有限公司"},
                               reason="企业改制更名", acting_user=user("ent_contractor"))
    assert late.late is True
    with pytest.raises(ValidationError) as err:
        changes.change_file(contract=contract, kind="contract_text", changed_on=timezone.localdate(),
                            data={"summary": "增加地下室防水工程"}, reason="设计变更", acting_user=user("ent_employer"))
    assert "补充协议" in err.value.message_dict["agreement"][0]
    text = changes.change_file(contract=contract, kind="contract_text", changed_on=timezone.localdate(),
                               data={"summary": "增加地下室防水工程"}, reason="设计变更", acting_user=user("ent_employer"),
                               agreement=b"%PDF-1.4 supplementary agreement", agreement_name="补充协议.pdf")
    assert len(text.agreement_sm3) == 64


def test_changes_only_for_effective_contracts(directory, contract_models, user):
    draft = factories.draft()
    with pytest.raises(TransitionNotAllowed):
        changes.change_file(contract=draft, kind="project_manager", changed_on=timezone.localdate(),
                            data={"project_manager_name": "钱七", "project_manager_cert_no": "x"}, reason="r",
                            acting_user=user("ent_employer"))
