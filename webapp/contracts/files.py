"""The supplementary agreement of a contract change (补充协议), for whoever may see the contract."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404

from domain.contracts.models import ContractChange
from domain.contracts.selectors import contracts_visible_to
from webapp.acting import acting_user
from webapp.files import stored_file


@login_required
def change_agreement(request: HttpRequest, pk: int, change_id: int) -> FileResponse:
    contract = get_object_or_404(contracts_visible_to(acting_user(request)), pk=pk)
    change = get_object_or_404(ContractChange, pk=change_id, contract=contract)
    stored = change.agreement.name or ""
    suffix = stored.rsplit(".", 1)[-1] if "." in stored else "pdf"
    return stored_file(change.agreement, filename=f"补充协议-{contract.number}-{change.pk}.{suffix}",
                       sm3=change.agreement_sm3)
