"""Writes for contract changes (合同变更, M02): party name, contract text (supplementary agreement), project
manager. Each change is filed within 15 days (late filings are accepted but flagged) and reviewed by the district
officer in its own small process (``processes/models/contract_change``)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from domain.errors import TransitionNotAllowed
from domain.storage import suffix_refused
from security import audit
from security.crypto import sm3_hex

from . import days, finance
from .models import ChangeKind, ChangeState, Contract, ContractChange
from .models.contract import EFFECTIVE_STATES
from .permissions import require_officer, require_party

CHANGE_DAYS = 15
MAX_AGREEMENT = 20 * 1024 * 1024


def _after(kind: str, data: dict[str, Any], contract: Contract) -> tuple[dict[str, Any], dict[str, Any]]:
    if kind == ChangeKind.PROJECT_MANAGER:
        name = str(data.get("project_manager_name", "")).strip()
        cert = str(data.get("project_manager_cert_no", "")).strip()
        if not name:
            raise ValidationError({"project_manager_name": ["请填写新的项目负责人。"]})
        if not cert:
            raise ValidationError({"project_manager_cert_no": ["请填写新项目负责人的注册建造师证书编号。"]})
        check_manager_certificate(name, cert)
        before = {"project_manager_name": contract.project_manager_name,
                  "project_manager_cert_no": contract.project_manager_cert_no}
        return before, {"project_manager_name": name, "project_manager_cert_no": cert}
    if kind == ChangeKind.PARTY_NAME:
        party = data.get("party")
        name = str(data.get("new_name", "")).strip()
        if party not in ("employer", "contractor") or not name:
            raise ValidationError({"new_name": ["请选择变更的当事人并填写变更后的名称。"]})
        org = contract.employer if party == "employer" else contract.contractor
        return {"party": party, "name": org.name}, {"party": party, "name": name}
    if kind == ChangeKind.CONTRACT_TEXT:
        summary = str(data.get("summary", "")).strip()
        if not summary:
            raise ValidationError({"summary": ["请概述补充协议变更的内容。"]})
        return {}, {"summary": summary}
    raise ValidationError({"kind": ["变更类型无效。"]})


def check_manager_certificate(name: str, cert_no: str) -> None:
    """When personnel data exists, the new project manager must hold a registered constructor certificate
    (注册建造师) under that number. Without the data the officer checks it in review."""
    try:
        personnel = importlib.import_module("domain.personnel.selectors")
    except ImportError:
        return
    check = getattr(personnel, "holds_constructor_certificate", None)
    if check is not None and not check(name=name, cert_no=cert_no):
        raise ValidationError({"project_manager_cert_no": [f"{name} 未持有编号为 {cert_no} 的有效注册建造师证书。"]})


def change_file(*, contract: Contract, kind: str, changed_on: dt.date, data: dict[str, Any], reason: str,
                acting_user: Any, agreement: bytes | None = None, agreement_name: str = "") -> ContractChange:
    """A party files a change (报送合同变更)."""
    require_party(contract, acting_user)
    if contract.state not in EFFECTIVE_STATES or contract.state == "settled":
        raise TransitionNotAllowed("只有已公告、未结算的合同可以报送变更。", state=contract.state)
    if not reason.strip():
        raise ValidationError({"reason": ["请填写变更原因。"]})
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": ["变更发生日期不能晚于今天。"]})
    if kind == ChangeKind.CONTRACT_TEXT and not agreement:
        raise ValidationError({"agreement": ["合同内容变更须上传补充协议。"]})
    if agreement and len(agreement) > MAX_AGREEMENT:
        raise ValidationError({"agreement": ["补充协议文件过大（上限 20 MB）。"]})
    refused = suffix_refused(agreement_name or "agreement.pdf") if agreement else None
    if refused:
        raise ValidationError({"agreement": [refused]})
    before, after = _after(kind, data, contract)
    due = days.calendar_deadline(changed_on, CHANGE_DAYS)
    with transaction.atomic():
        change = ContractChange(contract=contract, kind=kind, changed_on=changed_on, due_on=due,
                                late=timezone.localdate() > due, before=before, after=after, reason=reason.strip(),
                                filed_by=acting_user)
        if agreement:
            change.agreement_sm3 = sm3_hex(agreement)
            change.agreement.save(agreement_name or "agreement.pdf", ContentFile(agreement), save=False)
        change.save()
        audit.record(action="contracts.change_filed", actor=acting_user, subject=contract,
                     summary=f"报送{change.get_kind_display()}{'（逾期）' if change.late else ''}",
                     data={"change_id": change.pk, "after": after})
        from processes import engine

        instance = engine.start("contract_change", subject=change, acting_user=acting_user,
                                district_code=contract.project.district_id,
                                business_key=f"{contract.number}-C{change.pk}",
                                variables={"change_id": change.pk, "contract_number": contract.number,
                                           "kind_label": change.get_kind_display()})
        change.process_instance_id = instance.pk
        change.save(update_fields=["process_instance_id"])
    return change


def change_review(*, change: ContractChange, accept: bool, comment: str, acting_user: Any) -> ContractChange:
    """The district officer accepts (备案, applied to the contract) or returns the change."""
    with transaction.atomic():
        change = ContractChange.objects.select_for_update().get(pk=change.pk)
        contract = Contract.objects.select_for_update().select_related("project").get(pk=change.contract_id)
        require_officer(contract, acting_user)
        if change.state != ChangeState.FILED:
            raise TransitionNotAllowed("该变更已审核。", state=change.state)
        if not accept:
            change.reject()
        else:
            change.accept()
            if change.kind == ChangeKind.PROJECT_MANAGER:
                contract.project_manager_name = change.after["project_manager_name"]
                contract.project_manager_cert_no = change.after["project_manager_cert_no"]
            contract.record_change()
            contract.save(update_fields=["state", "project_manager_name", "project_manager_cert_no", "updated_at"])
        change.review_comment, change.reviewed_at = comment, timezone.now()
        change.save(update_fields=["state", "review_comment", "reviewed_at"])
        audit.record(action="contracts.change_reviewed", actor=acting_user, subject=contract,
                     summary=f"{change.get_kind_display()}{'已备案' if accept else '退回'}",
                     data={"change_id": change.pk, "before": change.before, "after": change.after})
        if accept:
            finance.send_contract(contract)
    return change
