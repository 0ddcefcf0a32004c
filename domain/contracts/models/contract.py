"""The construction contract (建设工程合同) and its lawful states (合同状态).

Signing path (M01): draft → generated → confirmed by each party (either order) → confirmed → public notice
(when the DMN says so; objections move it to ``objection_pending``) → awaiting signature → signed (both parties
e-sealed) → announced (filed and published). Afterwards: changed (M02) … settled (M04).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from domain.organisations.models import Organisation

from .project import Project, TenderAward


class ContractType(models.TextChoices):
    CONSTRUCTION = "construction", "施工"
    SUPERVISION = "supervision", "监理"
    SURVEY = "survey", "勘察"
    DESIGN = "design", "设计"


class PricingMethod(models.TextChoices):
    UNIT_PRICE = "unit_price", "单价合同"
    LUMP_SUM = "lump_sum", "总价合同"
    COST_PLUS = "cost_plus", "成本加酬金合同"


class ContractState(models.TextChoices):
    DRAFT = "draft", "草拟"
    GENERATED = "generated", "已生成合同文本"
    CONFIRMED_BY_EMPLOYER = "confirmed_by_employer", "发包人已确认"
    CONFIRMED_BY_CONTRACTOR = "confirmed_by_contractor", "承包人已确认"
    CONFIRMED = "confirmed", "双方已确认"
    UNDER_PUBLIC_NOTICE = "under_public_notice", "公示中"
    OBJECTION_PENDING = "objection_pending", "异议处理中"
    AWAITING_SIGNATURE = "awaiting_signature", "待签章"
    SIGNED = "signed", "已签订"
    ANNOUNCED = "announced", "已公告"
    CHANGED = "changed", "已变更"
    SETTLED = "settled", "已结算"


PUBLIC_STATES = (ContractState.UNDER_PUBLIC_NOTICE, ContractState.OBJECTION_PENDING)
EFFECTIVE_STATES = (ContractState.ANNOUNCED, ContractState.CHANGED, ContractState.SETTLED)


def _both_confirmed(contract: Any) -> bool:
    return contract.employer_confirmed_at is not None and contract.contractor_confirmed_at is not None


def _no_open_objection(contract: Any) -> bool:
    return not contract.has_open_objection()


def _notice_not_required(contract: Any) -> bool:
    return not contract.public_notice_required


def _notice_required(contract: Any) -> bool:
    return contract.public_notice_required


def _both_sealed(contract: Any) -> bool:
    return contract.employer_sealed_at is not None and contract.contractor_sealed_at is not None


def _filed(contract: Any) -> bool:
    return contract.filed_at is not None


class Contract(models.Model):
    """A construction contract between an employer (发包人) and a contractor (承包人)."""

    number = models.CharField("合同编号", max_length=40, unique=True)
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="contracts")
    employer = models.ForeignKey(Organisation, verbose_name="发包人", on_delete=models.PROTECT, related_name="+")
    contractor = models.ForeignKey(Organisation, verbose_name="承包人", on_delete=models.PROTECT, related_name="+")
    contract_type = models.CharField("合同类型", max_length=20, choices=ContractType.choices)
    title = models.CharField("合同名称", max_length=200)
    scope = models.TextField("工程内容")
    price = models.DecimalField("合同价款（元）", max_digits=16, decimal_places=2)
    pricing_method = models.CharField("计价方式", max_length=20, choices=PricingMethod.choices)
    duration_days = models.PositiveIntegerField("工期（日历天）")
    start_date = models.DateField("计划开工日期", null=True, blank=True)
    quality_standard = models.CharField("质量标准", max_length=100)
    project_manager_name = models.CharField("项目负责人", max_length=50)
    project_manager_cert_no = models.CharField("项目负责人注册证书号", max_length=50, blank=True)
    tendered = models.BooleanField("招标工程", default=False)
    award = models.ForeignKey(
        TenderAward, verbose_name="中标结果", null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    state = FSMField("状态", default=ContractState.DRAFT, choices=ContractState.choices, protected=True)

    document_id = models.BigIntegerField("合同文本文书", null=True, blank=True)
    public_notice_required = models.BooleanField("需公示", default=False)
    notice_working_days = models.PositiveIntegerField("公示期（工作日）", default=0)
    notice_reason = models.CharField("公示决策依据", max_length=200, blank=True)
    notice_starts_on = models.DateField("公示开始", null=True, blank=True)
    notice_ends_on = models.DateField("公示截止", null=True, blank=True)
    notice_document_id = models.BigIntegerField("公示文书", null=True, blank=True)
    notice_period_over = models.BooleanField("公示期已满", default=False)
    employer_confirmed_at = models.DateTimeField("发包人确认时间", null=True, blank=True)
    contractor_confirmed_at = models.DateTimeField("承包人确认时间", null=True, blank=True)
    employer_sealed_at = models.DateTimeField("发包人签章时间", null=True, blank=True)
    contractor_sealed_at = models.DateTimeField("承包人签章时间", null=True, blank=True)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    filing_due_on = models.DateField("报送截止日期", null=True, blank=True)
    filing_overdue = models.BooleanField("报送逾期", default=False)
    filed_at = models.DateTimeField("报送时间", null=True, blank=True)
    announced_at = models.DateTimeField("公告时间", null=True, blank=True)
    announcement_document_id = models.BigIntegerField("公告文书", null=True, blank=True)
    process_instance_id = models.BigIntegerField("签订流程实例", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "建设工程合同"
        verbose_name_plural = "建设工程合同"
        indexes = [models.Index(fields=["state"], name="contract_state_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def district_code(self) -> str:
        return self.project.district_id

    def has_open_objection(self) -> bool:
        from .events import OPEN_OBJECTION_STATES

        return self.objections.filter(state__in=OPEN_OBJECTION_STATES).exists()

    def party_of(self, organisation_id: int | None) -> str:
        """``"employer"``, ``"contractor"`` or ``""`` for ``organisation_id``."""
        if organisation_id == self.employer_id:
            return "employer"
        if organisation_id == self.contractor_id:
            return "contractor"
        return ""

    # -- signing (M01) ----------------------------------------------------------------------------------
    @transition(field=state, source=ContractState.DRAFT, target=ContractState.GENERATED)
    def generate(self) -> None:
        """The system generated the contract text (合同文本) from the data."""

    @transition(field=state, source=ContractState.GENERATED, target=ContractState.CONFIRMED_BY_EMPLOYER)
    def confirm_by_employer_first(self) -> None:
        """发包人确认."""

    @transition(field=state, source=ContractState.GENERATED, target=ContractState.CONFIRMED_BY_CONTRACTOR)
    def confirm_by_contractor_first(self) -> None:
        """承包人确认."""

    @transition(
        field=state,
        source=[ContractState.CONFIRMED_BY_EMPLOYER, ContractState.CONFIRMED_BY_CONTRACTOR],
        target=ContractState.CONFIRMED,
        conditions=[_both_confirmed],
    )
    def complete_confirmation(self) -> None:
        """Both parties confirmed the same text (双方确认)."""

    @transition(
        field=state,
        source=ContractState.CONFIRMED,
        target=ContractState.UNDER_PUBLIC_NOTICE,
        conditions=[_both_confirmed, _notice_required],
    )
    def publish_notice(self) -> None:
        """Public notice (合同公示) — never before both parties confirmed."""

    @transition(field=state, source=ContractState.UNDER_PUBLIC_NOTICE, target=ContractState.OBJECTION_PENDING)
    def receive_objection(self) -> None:
        """An objection (异议) was filed during the notice."""

    @transition(
        field=state,
        source=ContractState.OBJECTION_PENDING,
        target=ContractState.UNDER_PUBLIC_NOTICE,
        conditions=[_no_open_objection],
    )
    def resume_notice(self) -> None:
        """Every objection was decided and none stands: the notice continues."""

    @transition(
        field=state,
        source=[ContractState.OBJECTION_PENDING, ContractState.UNDER_PUBLIC_NOTICE],
        target=ContractState.DRAFT,
    )
    def return_for_correction(self) -> None:
        """An objection stands (异议成立): back to the employer to correct and confirm again."""

    @transition(
        field=state,
        source=ContractState.UNDER_PUBLIC_NOTICE,
        target=ContractState.AWAITING_SIGNATURE,
        conditions=[_no_open_objection],
    )
    def close_notice(self) -> None:
        """The notice period ended without an open objection (公示期满)."""

    @transition(
        field=state,
        source=ContractState.CONFIRMED,
        target=ContractState.AWAITING_SIGNATURE,
        conditions=[_both_confirmed, _notice_not_required],
    )
    def skip_notice(self) -> None:
        """No public notice applies (DMN): straight to signature."""

    @transition(
        field=state,
        source=ContractState.AWAITING_SIGNATURE,
        target=ContractState.SIGNED,
        conditions=[_both_sealed, _no_open_objection],
    )
    def sign(self) -> None:
        """Both parties applied their e-seals (双方电子签章): the contract is signed."""

    @transition(
        field=state, source=ContractState.SIGNED, target=ContractState.ANNOUNCED, conditions=[_filed]
    )
    def announce(self) -> None:
        """Filed (合同信息报送) and announced (合同公告): now searchable and counts as performance."""

    # -- afterwards -------------------------------------------------------------------------------------
    @transition(field=state, source=[ContractState.ANNOUNCED, ContractState.CHANGED], target=ContractState.CHANGED)
    def record_change(self) -> None:
        """A filed change (合同变更)."""

    @transition(field=state, source=[ContractState.ANNOUNCED, ContractState.CHANGED], target=ContractState.SETTLED)
    def settle(self) -> None:
        """Final settlement confirmed and filed (竣工结算)."""

    def available_transitions(self) -> list[str]:
        return [t.name for t in self.get_available_state_transitions()]  # type: ignore[attr-defined]

    def describe(self) -> dict[str, Any]:
        return {"number": self.number, "state": self.state, "price": str(self.price)}
