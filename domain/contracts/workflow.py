"""Glue between the contract pages/API and the running procedures: start the signing process and act on a
contract by completing its ready work item (so every step goes through the real BPMN and the inbox rules)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from domain.errors import ConflictError, ProcedureError
from domain.organisations.roles import Role
from domain.organisations.selectors import users_with_role
from security import audit

from .models import Contract, ContractState
from .permissions import require_party

SIGNING = "contract_signing"


def has_operator(organisation_id: int) -> bool:
    """Whether the party has an active enterprise operator (企业经办人): its tasks are offered to all of them."""
    return users_with_role(Role.ENTERPRISE_OPERATOR).filter(organisation_id=organisation_id).exists()


def start_signing(*, contract: Contract, acting_user: Any) -> Contract:
    """Start the signing procedure (M01) for a drafted contract."""
    from processes import engine

    with transaction.atomic():
        contract = Contract.objects.select_for_update().select_related("project").get(pk=contract.pk)
        require_party(contract, acting_user, "employer")
        if contract.process_instance_id or contract.state != ContractState.DRAFT:
            raise ConflictError("该合同的网签流程已经启动。")
        if not has_operator(contract.contractor_id):
            raise ProcedureError("承包人尚无企业经办人账号，无法启动网签：请承包人先在本平台开通经办人账号。")
        instance = engine.start(
            SIGNING, subject=contract, acting_user=acting_user, business_key=contract.number,
            initiator_org=contract.employer,
            variables={"contract_id": contract.pk, "contract_number": contract.number,
                       "contractor_org_id": contract.contractor_id, "price": str(contract.price)})
        contract.process_instance_id = instance.pk
        contract.save(update_fields=["process_instance_id", "updated_at"])
        audit.record(action="contracts.signing_started", actor=acting_user, subject=contract,
                     summary="启动合同网签流程", data={"instance_id": instance.pk})
    return contract


def ready_items(instance_id: int | None) -> list[Any]:
    from tasks.models import ACTIVE_STATUSES, WorkItem

    if not instance_id:
        return []
    return list(WorkItem.objects.filter(instance_id=instance_id, status__in=ACTIVE_STATUSES).order_by("id"))


def ready_item(instance_id: int | None, element_id: str) -> Any:
    for item in ready_items(instance_id):
        if item.element_id == element_id:
            return item
    return None


def act(*, instance_id: int | None, element_id: str, data: dict[str, Any], acting_user: Any) -> None:
    """Complete the ready task ``element_id`` of the instance as ``acting_user`` (inbox permission rules apply)."""
    from processes import engine
    from tasks.forms import validate_data
    from tasks.services import check_can_complete

    item = ready_item(instance_id, element_id)
    if item is None:
        raise ConflictError("当前环节不是该事项，页面可能已过期，请刷新后再办理。")
    check_can_complete(item, acting_user)  # who may act comes before what they sent
    validate_data(item.form, data)  # per-field Chinese messages (the form's x-message where it has one)
    engine.complete_work_item(item.pk, data=data, acting_user=acting_user)
