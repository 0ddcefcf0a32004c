"""Writes for contract signing (合同网签, M01): draft, generate, confirm, public notice, objections, e-seal,
filing and announcement. Each function is one transaction with its audit record; the signing process
(``processes/models/contract_signing``) calls them through ``process_services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed as FSMTransitionNotAllowed

from domain.db import lock_rows
from domain.errors import PermissionDeniedError, ProcedureError, TransitionNotAllowed
from domain.organisations.models import Organisation, OrganisationKind
from security import audit

from . import days, finance, paperwork, rules
from .amounts import parse_amount
from .guards import award_mismatches
from .models import Contract, ContractState, ContractType, Objection, PricingMethod, Project, TenderAward
from .models.events import OPEN_OBJECTION_STATES
from .permissions import require_officer, require_party

FILING_DAYS = 30
MAX_DURATION_DAYS = 36500
TEXT_FIELDS = ("title", "quality_standard", "project_manager_name", "project_manager_cert_no")
EDITABLE = ("title", "scope", "price", "pricing_method", "duration_days", "start_date", "quality_standard",
            "project_manager_name", "project_manager_cert_no", "contract_type")


def _step(obj: Any, name: str, message: str) -> None:
    """Run the FSM transition ``name`` or refuse with a message a person can act on."""
    try:
        getattr(obj, name)()
    except FSMTransitionNotAllowed:
        raise TransitionNotAllowed(message, state=obj.state) from None


def _lock(contract: Contract) -> Contract:
    return lock_rows(Contract.objects).select_related(
        "project__district", "employer", "contractor", "award"
    ).get(pk=contract.pk)


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out = {k: data[k] for k in EDITABLE if k in data}
    try:
        out["price"] = parse_amount(out.get("price", ""), label="合同价款", positive=True)
    except ValueError as exc:
        errors["price"] = [str(exc)]
    try:
        out["duration_days"] = int(out.get("duration_days", 0))
        if not 0 < out["duration_days"] <= MAX_DURATION_DAYS:
            raise ValueError
    except (TypeError, ValueError):
        errors["duration_days"] = [f"工期应为不超过 {MAX_DURATION_DAYS} 的正整数（日历天）。"]
    for field in TEXT_FIELDS:  # what the columns hold: longer text is refused, not cut (nor a database error)
        column: Any = Contract._meta.get_field(field)
        if len(str(out.get(field) or "")) > column.max_length:
            errors[field] = [f"{column.verbose_name}不能超过 {column.max_length} 个字。"]
    if out.get("pricing_method") not in PricingMethod.values:
        errors["pricing_method"] = ["请选择计价方式（单价、总价或成本加酬金）。"]
    if out.get("contract_type", ContractType.CONSTRUCTION) not in ContractType.values:
        errors["contract_type"] = ["合同类型应为施工、监理、勘察或设计。"]
    for field, label in (("title", "合同名称"), ("scope", "工程内容"), ("quality_standard", "质量标准"),
                         ("project_manager_name", "项目负责人")):
        if not str(out.get(field, "")).strip():
            errors[field] = [f"请填写{label}。"]
    if isinstance(out.get("start_date"), str):
        try:
            out["start_date"] = dt.date.fromisoformat(out["start_date"]) if out["start_date"] else None
        except ValueError:
            errors["start_date"] = ["计划开工日期格式应为 YYYY-MM-DD。"]
    if errors:
        raise ValidationError(errors)
    return out


def _check_award(fields: dict[str, Any], award: TenderAward | None, contractor: Organisation, project: Project) -> None:
    if award is None:
        return
    errors = award_mismatches(fields, award)
    if award.winner_id != contractor.pk:
        errors["contractor"] = [f"承包人应为中标人 {award.winner.name}。"]
    if award.project_id != project.pk:
        errors["award"] = ["中标结果不属于本项目。"]
    if errors:
        raise ValidationError(errors)


def contract_draft(*, project: Project, contractor: Organisation, data: dict[str, Any], acting_user: Any,
                   award: TenderAward | None = None) -> Contract:
    """The employer drafts a contract (发包人起草合同). Tendered contracts must match the award."""
    if acting_user is not None and getattr(acting_user, "organisation_id", None) != project.employer_id:
        raise PermissionDeniedError("只有项目的建设单位（发包人）可以起草合同。")
    if contractor.kind != OrganisationKind.ENTERPRISE or contractor.pk == project.employer_id:
        raise ValidationError({"contractor": ["承包人应为另一家企业。"]})
    fields = _clean_fields(data)
    fields.setdefault("contract_type", ContractType.CONSTRUCTION)
    _check_award(fields, award, contractor, project)
    from domain.enterprises.selectors import may_file_contracts

    allowed, reason = may_file_contracts(contractor)
    if not allowed:
        raise ProcedureError(f"承包人{contractor.name}目前不能签订新合同：{reason}")
    with transaction.atomic():
        contract = Contract.objects.create(
            number=f"TMP-{timezone.now().timestamp()}", project=project, employer=project.employer,
            contractor=contractor, tendered=award is not None, award=award, created_by=acting_user, **fields)
        contract.number = f"HT{project.district_id}{timezone.localdate().year}{contract.pk:06d}"
        contract.save(update_fields=["number"])
        audit.record(action="contracts.drafted", actor=acting_user, subject=contract,
                     summary=f"起草合同 {contract.number}", after=contract.describe())
    return contract


def contract_update_draft(*, contract: Contract, data: dict[str, Any], acting_user: Any) -> Contract:
    """Correct a draft (草拟状态下修改)."""
    with transaction.atomic():
        contract = _lock(contract)
        require_party(contract, acting_user, "employer")
        if contract.state != ContractState.DRAFT:
            raise TransitionNotAllowed("合同已生成文本，不能再修改；如需修改请走变更程序。", state=contract.state)
        fields = _clean_fields({**{k: getattr(contract, k) for k in EDITABLE}, **data})
        _check_award(fields, contract.award, contract.contractor, contract.project)
        before = contract.describe()
        for key, value in fields.items():
            setattr(contract, key, value)
        contract.save(update_fields=[*fields, "updated_at"])
        audit.record(action="contracts.draft_updated", actor=acting_user, subject=contract, summary="修改合同草稿",
                     before=before, after=contract.describe())
    return contract


def contract_generate(*, contract: Contract, acting_user: Any) -> Contract:
    """The system generates the contract PDF from the data (生成合同文本); confirmations start afresh."""
    with transaction.atomic():
        contract = _lock(contract)
        _check_award({k: getattr(contract, k) for k in EDITABLE}, contract.award, contract.contractor, contract.project)
        _step(contract, "generate", "只有草拟状态的合同可以生成合同文本。")
        contract.document_id = paperwork.issue_contract_text(contract, acting_user)
        contract.employer_confirmed_at = contract.contractor_confirmed_at = None
        contract.employer_sealed_at = contract.contractor_sealed_at = None
        contract.save(update_fields=["state", "document_id", "employer_confirmed_at", "contractor_confirmed_at",
                                     "employer_sealed_at", "contractor_sealed_at", "updated_at"])
        audit.record(action="contracts.generated", actor=acting_user, subject=contract,
                     summary="生成合同文本", data={"document_id": contract.document_id})
    return contract


def contract_confirm(*, contract: Contract, acting_user: Any, party: str | None = None) -> Contract:
    """A party confirms the generated PDF (当事人确认合同文本)."""
    with transaction.atomic():
        contract = _lock(contract)
        party = require_party(contract, acting_user, *([party] if party else []))
        stamp = timezone.now()
        if party == "employer":
            if contract.employer_confirmed_at:
                raise TransitionNotAllowed("发包人已确认过合同文本。", state=contract.state)
            contract.employer_confirmed_at = stamp
            first = "confirm_by_employer_first"
        else:
            if contract.contractor_confirmed_at:
                raise TransitionNotAllowed("承包人已确认过合同文本。", state=contract.state)
            contract.contractor_confirmed_at = stamp
            first = "confirm_by_contractor_first"
        message = "合同文本生成后才能确认。"
        _step(contract, first if contract.state == ContractState.GENERATED else "complete_confirmation", message)
        contract.save(update_fields=["state", "employer_confirmed_at", "contractor_confirmed_at", "updated_at"])
        audit.record(action="contracts.confirmed", actor=acting_user, subject=contract,
                     summary=f"{'发包人' if party == 'employer' else '承包人'}确认合同文本", data={"party": party})
    return contract


def contract_decide_notice(*, contract: Contract) -> Contract:
    """Whether and how long the contract is publicly noticed (DMN ``contracts_public_notice``)."""
    with transaction.atomic():
        contract = _lock(contract)
        required, working_days, reason, matched = rules.public_notice(contract)
        contract.public_notice_required = required
        contract.notice_working_days = working_days if required else 0
        contract.notice_reason = reason[:200]
        contract.save(update_fields=["public_notice_required", "notice_working_days", "notice_reason", "updated_at"])
        audit.record(action="contracts.notice_decided", subject=contract, summary=f"公示决策：{reason}",
                     data={"required": required, "working_days": working_days, "matched": matched})
    return contract


def contract_publish_notice(*, contract: Contract, acting_user: Any = None, today: dt.date | None = None) -> Contract:
    """Start the public notice (合同公示): it ends after the decided number of working days."""
    today = today or timezone.localdate()
    with transaction.atomic():
        contract = _lock(contract)
        _step(contract, "publish_notice", "双方确认合同文本且需要公示时才能公示。")
        contract.notice_starts_on = today
        contract.notice_ends_on = days.add_working_days(today, contract.notice_working_days)
        contract.notice_document_id = paperwork.issue_notice(contract, acting_user)
        contract.notice_period_over = False
        contract.save(update_fields=["state", "notice_starts_on", "notice_ends_on", "notice_document_id",
                                     "notice_period_over", "updated_at"])
        audit.record(action="contracts.notice_published", actor=acting_user, subject=contract,
                     summary=f"合同公示至 {contract.notice_ends_on}")
    return contract


def contract_skip_notice(*, contract: Contract) -> Contract:
    with transaction.atomic():
        contract = _lock(contract)
        _step(contract, "skip_notice", "需要公示的合同不能跳过公示。")
        contract.save(update_fields=["state", "updated_at"])
        audit.record(action="contracts.notice_skipped", subject=contract, summary="无需公示，进入签章")
    return contract


def contract_notice_expired(*, contract: Contract) -> Contract:
    """The notice period ran out (公示期满); the notice closes once no objection is open."""
    with transaction.atomic():
        contract = _lock(contract)
        contract.notice_period_over = True
        contract.save(update_fields=["notice_period_over", "updated_at"])
        audit.record(action="contracts.notice_expired", subject=contract, summary="公示期满",
                     data={"open_objections": contract.has_open_objection()})
    return contract


def contract_close_notice(*, contract: Contract) -> Contract:
    """The notice period is over (公示期满); refused while an objection is open."""
    with transaction.atomic():
        contract = _lock(contract)
        _step(contract, "close_notice", "公示期内有尚未处理完毕的异议，不能结束公示。")
        contract.save(update_fields=["state", "updated_at"])
        audit.record(action="contracts.notice_closed", subject=contract, summary="公示期满，进入签章")
    return contract


def contract_seal(*, contract: Contract, acting_user: Any, party: str | None = None) -> Contract:
    """A party applies its e-seal to the contract PDF (电子签章); when both have, the contract is signed and the
    30-day filing period starts (条例：签订之日起30日内报送)."""
    with transaction.atomic():
        contract = _lock(contract)
        party = require_party(contract, acting_user, *([party] if party else []))
        if contract.state != ContractState.AWAITING_SIGNATURE or contract.has_open_objection():
            raise TransitionNotAllowed("合同尚未进入签章阶段（公示未结束或异议尚未处理完毕），不能签章。",
                                       state=contract.state)
        stamp_field = f"{party}_sealed_at"
        if getattr(contract, stamp_field):
            raise TransitionNotAllowed("本方已签章。", state=contract.state)
        organisation = contract.employer if party == "employer" else contract.contractor
        paperwork.seal_contract_text(contract, organisation, acting_user)
        setattr(contract, stamp_field, timezone.now())
        fields = ["employer_sealed_at", "contractor_sealed_at", "updated_at"]
        if contract.employer_sealed_at and contract.contractor_sealed_at:
            _step(contract, "sign", "双方签章且无未处理异议时才能签订。")
            contract.signed_on = timezone.localdate()
            contract.filing_due_on = days.calendar_deadline(contract.signed_on, FILING_DAYS)
            fields += ["state", "signed_on", "filing_due_on"]
        contract.save(update_fields=fields)
        audit.record(action="contracts.sealed", actor=acting_user, subject=contract,
                     summary=f"{'发包人' if party == 'employer' else '承包人'}电子签章", data={"state": contract.state})
    return contract


def contract_file_and_announce(*, contract: Contract, acting_user: Any) -> Contract:
    """The employer files the contract information (合同信息报送) and the announcement is published (合同公告);
    the finance cloud gets the contract through the outbox."""
    with transaction.atomic():
        contract = _lock(contract)
        require_party(contract, acting_user, "employer")
        contract.filed_at = timezone.now()
        _step(contract, "announce", "合同签订后才能报送和公告。")
        contract.announced_at = timezone.now()
        contract.announcement_document_id = paperwork.issue_announcement(contract, acting_user)
        contract.save(update_fields=["state", "filed_at", "announced_at", "announcement_document_id", "updated_at"])
        audit.record(action="contracts.announced", actor=acting_user, subject=contract,
                     summary=f"报送并公告（{'逾期' if contract.filing_overdue else '按期'}）")
        finance.send_contract(contract)
    return contract


def contract_mark_filing_overdue(*, contract: Contract) -> Contract:
    """The 30-day filing period ran out (逾期未报送): flag it for the district officer."""
    with transaction.atomic():
        contract = _lock(contract)
        if contract.state != ContractState.SIGNED:
            return contract
        contract.filing_overdue = True
        contract.save(update_fields=["filing_overdue", "updated_at"])
        audit.record(action="contracts.filing_overdue", subject=contract,
                     summary=f"签订后30日（{contract.filing_due_on}）内未报送")
    return contract


# -- objections (合同异议) ----------------------------------------------------------------------------------


def objection_file(*, contract: Contract, grounds: str, acting_user: Any) -> Objection:
    """Anyone logged in may object while the contract is under public notice; the signing process is told by
    the message ``contract_objection`` (correlated by the contract number)."""
    if not grounds or len(grounds.strip()) < 5:
        raise ValidationError({"grounds": ["请写明异议事项和理由（至少5个字）。"]})
    with transaction.atomic():
        contract = _lock(contract)
        if contract.state not in (ContractState.UNDER_PUBLIC_NOTICE, ContractState.OBJECTION_PENDING):
            raise TransitionNotAllowed("只能对公示期内的合同提出异议。", state=contract.state)
        objection = Objection.objects.create(contract=contract, filed_by=acting_user,
                                             filer_organisation=acting_user.organisation, grounds=grounds.strip())
        first = contract.state == ContractState.UNDER_PUBLIC_NOTICE
        if first:
            _step(contract, "receive_objection", "只能对公示期内的合同提出异议。")
            contract.save(update_fields=["state", "updated_at"])
        audit.record(action="contracts.objection_filed", actor=acting_user, subject=contract,
                     summary=f"提出异议 #{objection.pk}", data={"objection_id": objection.pk})
        if first and contract.process_instance_id:
            from processes import engine

            engine.correlate("contract_objection", contract.number, {"objection_id": objection.pk},
                             acting_user=acting_user)
    return objection


def objection_answer(*, objection: Objection, answer: str, acting_user: Any) -> Objection:
    """The employer answers (发包人答复) with a sealed answer document."""
    if not answer or not answer.strip():
        raise ValidationError({"answer": ["请填写答复内容。"]})
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("contract__project").get(pk=objection.pk)
        require_party(objection.contract, acting_user, "employer")
        _step(objection, "record_answer", "该异议已答复。")
        objection.answer, objection.answered_at, objection.answered_by = answer.strip(), timezone.now(), acting_user
        objection.answer_document_id = paperwork.issue_objection_answer(objection, acting_user)
        objection.save(update_fields=["state", "answer", "answered_at", "answered_by", "answer_document_id"])
        audit.record(action="contracts.objection_answered", actor=acting_user, subject=objection.contract,
                     summary=f"答复异议 #{objection.pk}")
    return objection


def objection_decide(*, objection: Objection, stands: bool, reason: str, acting_user: Any) -> Objection:
    """The district officer decides whether the objection stands (主管部门认定). Upheld: the contract goes back
    to the employer for correction; dismissed and nothing else open: the notice continues."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": ["请填写认定理由。"]})
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        contract = _lock(objection.contract)
        require_officer(contract, acting_user)
        _step(objection, "uphold" if stands else "dismiss", "发包人答复后才能认定异议是否成立。")
        objection.decision_reason, objection.decided_at = reason.strip(), timezone.now()
        objection.decided_by = acting_user
        objection.save(update_fields=["state", "decision_reason", "decided_at", "decided_by"])
        if stands:
            for other in contract.objections.select_for_update().filter(state__in=OPEN_OBJECTION_STATES):
                other.supersede()
                other.save(update_fields=["state"])
            _step(contract, "return_for_correction", "合同不在公示或异议处理阶段。")
            contract.employer_confirmed_at = contract.contractor_confirmed_at = None
            contract.save(update_fields=["state", "employer_confirmed_at", "contractor_confirmed_at", "updated_at"])
        elif not contract.has_open_objection():
            _step(contract, "resume_notice", "仍有未处理的异议。")
            contract.save(update_fields=["state", "updated_at"])
        audit.record(action="contracts.objection_decided", actor=acting_user, subject=contract,
                     summary=f"异议 #{objection.pk}{'成立，退回发包人修改' if stands else '不成立'}",
                     data={"objection_id": objection.pk, "stands": stands})
    return objection


def next_open_objection(contract: Contract) -> Objection | None:
    return contract.objections.filter(state="filed").order_by("id").first()


def ensure_signing_allowed(contract: Contract) -> None:
    if contract.has_open_objection():
        raise ProcedureError("异议尚未答复和认定，不能签章。")
