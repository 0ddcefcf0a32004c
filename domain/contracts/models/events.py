"""Objections during the public notice (合同异议) and contract changes (合同变更, M02)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from domain.organisations.models import Organisation
from domain.storage import RandomName

from .contract import Contract


class ObjectionState(models.TextChoices):
    FILED = "filed", "待发包人答复"
    ANSWERED = "answered", "已答复，待主管部门认定"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"
    SUPERSEDED = "superseded", "合同已退回修改，异议终结"


OPEN_OBJECTION_STATES = (ObjectionState.FILED, ObjectionState.ANSWERED)


class Objection(models.Model):
    """An objection (异议) filed by anyone logged in while the contract is under public notice."""

    contract = models.ForeignKey(Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="objections")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="异议人", on_delete=models.PROTECT, related_name="+"
    )
    filer_organisation = models.ForeignKey(
        Organisation, verbose_name="异议人单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grounds = models.TextField("异议事项及理由")
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    state = FSMField("状态", default=ObjectionState.FILED, choices=ObjectionState.choices, protected=True)
    answer = models.TextField("发包人答复", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField("认定理由", blank=True)
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="认定人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_document_id = models.BigIntegerField("答复文书", null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "合同异议"
        verbose_name_plural = "合同异议"

    def __str__(self) -> str:
        return f"{self.contract.number} 异议 #{self.pk}"

    @transition(field=state, source=ObjectionState.FILED, target=ObjectionState.ANSWERED)
    def record_answer(self) -> None:
        """The employer answered (发包人答复)."""

    @transition(field=state, source=ObjectionState.ANSWERED, target=ObjectionState.UPHELD)
    def uphold(self) -> None:
        """The officer decided the objection stands (异议成立)."""

    @transition(field=state, source=ObjectionState.ANSWERED, target=ObjectionState.DISMISSED)
    def dismiss(self) -> None:
        """The officer decided the objection does not stand (异议不成立)."""

    @transition(field=state, source=[ObjectionState.FILED, ObjectionState.ANSWERED], target=ObjectionState.SUPERSEDED)
    def supersede(self) -> None:
        """Another objection stood and the contract went back for correction: this one ends with it."""


class ChangeKind(models.TextChoices):
    PARTY_NAME = "party_name", "当事人名称变更"
    CONTRACT_TEXT = "contract_text", "合同内容变更（补充协议）"
    PROJECT_MANAGER = "project_manager", "项目负责人变更"


class ChangeState(models.TextChoices):
    FILED = "filed", "已报送，待审核"
    ACCEPTED = "accepted", "已备案"
    REJECTED = "rejected", "退回"


class ContractChange(models.Model):
    """A filed change of a contract (合同信息修改或变更), due within 15 days of the change."""

    contract = models.ForeignKey(Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField("变更类型", max_length=20, choices=ChangeKind.choices)
    changed_on = models.DateField("变更发生日期")
    due_on = models.DateField("报送截止日期")
    late = models.BooleanField("逾期报送", default=False)
    before = models.JSONField("变更前", default=dict)
    after = models.JSONField("变更后", default=dict)
    reason = models.TextField("变更原因")
    agreement = models.FileField("补充协议", upload_to=RandomName("contracts/changes"), blank=True)
    agreement_sm3 = models.CharField("补充协议SM3", max_length=64, blank=True)
    state = FSMField("状态", default=ChangeState.FILED, choices=ChangeState.choices, protected=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("报送时间", auto_now_add=True)
    review_comment = models.TextField("审核意见", blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    process_instance_id = models.BigIntegerField("流程实例", null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "合同变更"
        verbose_name_plural = "合同变更"

    def __str__(self) -> str:
        return f"{self.contract.number} {self.get_kind_display()}"

    @transition(field=state, source=ChangeState.FILED, target=ChangeState.ACCEPTED)
    def accept(self) -> None:
        """Accepted and applied to the contract (变更备案)."""

    @transition(field=state, source=ChangeState.FILED, target=ChangeState.REJECTED)
    def reject(self) -> None:
        """Returned to the parties (退回)."""
