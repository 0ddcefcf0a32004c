"""Lawful states: illegal transitions are refused, tendered contracts must match the award, only the parties act."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from domain.contracts import services
from domain.contracts.models import Contract, ContractState
from domain.errors import PermissionDeniedError, TransitionNotAllowed

from . import factories


def fresh(contract: Contract) -> Contract:
    return Contract.objects.get(pk=contract.pk)


def test_tendered_contract_must_match_the_award(directory, user):
    project = factories.project()
    award = factories.award(project=project)
    with pytest.raises(ValidationError) as err:
        factories.draft(project=project, award=award, price="12600000.00", project_manager_name="李四",
                        duration_days=600)
    assert set(err.value.message_dict) == {"price", "project_manager_name", "duration_days"}
    assert "中标" in err.value.message_dict["price"][0]
    contract = factories.draft(project=project, award=award)
    assert contract.tendered and contract.price == Decimal("12500000.00")
    with pytest.raises(ValidationError):
        services.contract_update_draft(contract=contract, data={"quality_standard": "优良"},
                                       acting_user=user("ent_employer"))


def test_illegal_transitions_are_refused(directory, user):
    employer, contractor = user("ent_employer"), user("ent_contractor")
    contract = factories.draft()
    with pytest.raises(TransitionNotAllowed):
        services.contract_confirm(contract=contract, acting_user=employer)  # nothing generated yet
    with pytest.raises(TransitionNotAllowed):
        services.contract_publish_notice(contract=contract)
    services.contract_generate(contract=contract, acting_user=employer)
    services.contract_confirm(contract=contract, acting_user=employer)
    services.contract_decide_notice(contract=contract)
    with pytest.raises(TransitionNotAllowed):  # cannot publish before both parties confirm
        services.contract_publish_notice(contract=contract)
    with pytest.raises(TransitionNotAllowed):
        services.contract_confirm(contract=contract, acting_user=employer)  # twice
    services.contract_confirm(contract=contract, acting_user=contractor)
    with pytest.raises(TransitionNotAllowed):  # not before the notice
        services.contract_seal(contract=contract, acting_user=employer)
    with pytest.raises(TransitionNotAllowed):
        services.contract_file_and_announce(contract=contract, acting_user=employer)
    with pytest.raises(AttributeError):
        contract.state = ContractState.SIGNED  # protected: only transitions move the state
    assert fresh(contract).state == ContractState.CONFIRMED


def test_only_the_parties_act_and_objections_only_during_notice(directory, user):
    contract = factories.draft()
    with pytest.raises(PermissionDeniedError):
        services.contract_update_draft(contract=contract, data={"title": "改"}, acting_user=user("ent_lessor"))
    with pytest.raises(PermissionDeniedError):
        services.contract_draft(project=factories.project(), contractor=factories.contractor_org(),
                                data=factories.contract_data(), acting_user=user("ent_contractor"))
    with pytest.raises(TransitionNotAllowed):
        services.objection_file(contract=contract, grounds="价款过高，存在围标嫌疑。", acting_user=user("ent_lessor"))
    with pytest.raises(ValidationError):
        factories.draft(price="-5", duration_days=0)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("price", "99999999999999999999", "合同价款超出可登记的范围"),
    ("price", "1e309", "合同价款超出可登记的范围"),
    ("price", "NaN", "合同价款应为大于 0 的金额"),
    ("duration_days", "99999999999999999999", "工期应为不超过 36500 的正整数"),
    ("title", "长" * 201, "合同名称不能超过 200 个字"),
    ("project_manager_name", "王" * 51, "项目负责人不能超过 50 个字"),
])
def test_values_the_columns_cannot_hold_are_refused_not_a_database_error(directory, user, field, value, message):
    """A figure or a text too large for its column was saved as typed: a database error (a 500) on PostgreSQL."""
    with pytest.raises(ValidationError) as err:
        factories.draft(**{field: value})
    assert message in err.value.message_dict[field][0]
    assert not Contract.objects.exists()
    contract = factories.draft()
    with pytest.raises(ValidationError) as err:
        services.contract_update_draft(contract=contract, data={field: value}, acting_user=user("ent_employer"))
    assert message in err.value.message_dict[field][0]
    assert fresh(contract).describe() == contract.describe()
