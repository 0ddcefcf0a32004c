"""Progress payments (进度款支付, GB 50500-2013 §10.3; M03)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from .contract import Contract


def money(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=16, decimal_places=2, default=Decimal("0.00"))


class PaymentState(models.TextChoices):
    APPLIED = "applied", "已申请，待发包人核实"
    CERTIFIED = "certified", "已核实（签发支付证书）"
    DEEMED_APPROVED = "deemed_approved", "逾期未核实，视为认可"
    PAID = "paid", "已支付"


class PaymentApplication(models.Model):
    """The contractor's interim payment application (进度款支付申请) for one measurement period."""

    contract = models.ForeignKey(Contract, verbose_name="合同", on_delete=models.PROTECT, related_name="payments")
    period_no = models.PositiveIntegerField("期次")
    period_end = models.DateField("计量周期截止日")
    applied_on = models.DateField("申请日期")
    cumulative_completed = money("累计已完成合同价款")
    cumulative_paid = money("累计已实际支付合同价款")
    unit_rate_work = money("本期完成单价项目金额")
    lump_sum_items = money("本期应支付总价项目金额")
    day_work = money("本期计日工金额")
    safety_fee = money("本期安全文明施工费")
    additions = money("本期应增加金额（签证、索赔）")
    advance_recovery = money("本期扣回预付款")
    employer_supplied = money("本期甲供材料扣减")
    interim_amount = money("本期完成合同价款合计")
    net_payable = money("本期应支付金额")
    verify_due_on = models.DateField("核实截止日期")
    state = FSMField("状态", default=PaymentState.APPLIED, choices=PaymentState.choices, protected=True)
    certified_amount = models.DecimalField("核实支付金额", max_digits=16, decimal_places=2, null=True, blank=True)
    certified_on = models.DateField("核实日期", null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certificate_comment = models.TextField("核实意见", blank=True)
    payment_due_on = models.DateField("支付截止日期", null=True, blank=True)
    paid_amount = models.DecimalField("实际支付金额", max_digits=16, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField("支付日期", null=True, blank=True)
    flags = models.JSONField("监管提示", default=list, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    process_instance_id = models.BigIntegerField("流程实例", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "进度款支付申请"
        verbose_name_plural = "进度款支付申请"
        constraints = [
            models.UniqueConstraint(fields=["contract", "period_no"], name="payment_contract_period_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} 第{self.period_no}期进度款"

    @property
    def approved_amount(self) -> Decimal:
        """What the employer owes: the certified amount, or the applied amount when deemed approved."""
        if self.certified_amount is not None:
            return self.certified_amount
        return self.net_payable

    @transition(field=state, source=PaymentState.APPLIED, target=PaymentState.CERTIFIED)
    def certify(self) -> None:
        """The employer verified and issued a payment certificate (支付证书) within 14 days."""

    @transition(field=state, source=PaymentState.APPLIED, target=PaymentState.DEEMED_APPROVED)
    def deem_approved(self) -> None:
        """No certificate in time: the application counts as approved (视为认可)."""

    @transition(field=state, source=[PaymentState.CERTIFIED, PaymentState.DEEMED_APPROVED], target=PaymentState.PAID)
    def record_payment(self) -> None:
        """The employer paid (支付)."""
