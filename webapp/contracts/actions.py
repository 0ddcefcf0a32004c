"""What the acting user can do on a contract right now: its ready work items that the user may complete (the
inbox decides), plus the direct actions (start signing, object, apply for payment, file a change, settle)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from domain.contracts import workflow
from domain.contracts.models import Contract, ContractState
from domain.contracts.models.contract import EFFECTIVE_STATES, PUBLIC_STATES
from domain.contracts.permissions import is_district_officer, party_of
from domain.errors import DomainError


def ready_for(contract: Contract, user: Any) -> list[Any]:
    """Ready work items of the signing case that ``user`` may complete."""
    from tasks.services import check_can_complete

    items = []
    for item in workflow.ready_items(contract.process_instance_id):
        try:
            check_can_complete(item, user)
        except (DomainError, PermissionDenied):  # not this user's item (permission or four-eyes): not offered
            continue
        items.append(item)
    return items


def direct_actions(contract: Contract, user: Any) -> dict[str, bool]:
    party = party_of(contract, user)
    effective = contract.state in EFFECTIVE_STATES and contract.state != ContractState.SETTLED
    return {
        "edit": party == "employer" and contract.state == ContractState.DRAFT,
        "start": party == "employer" and contract.state == ContractState.DRAFT and not contract.process_instance_id,
        "object": bool(getattr(user, "is_authenticated", False)) and contract.state in PUBLIC_STATES,
        "apply_payment": party == "contractor" and effective,
        "file_change": bool(party) and effective,
        "settle": party == "contractor" and effective and not hasattr_settlement(contract),
        "officer": is_district_officer(contract, user),
    }


def hasattr_settlement(contract: Contract) -> bool:
    from domain.contracts.models import Settlement

    return Settlement.objects.filter(contract=contract).exists()
