"""Writes for progress payments (进度款, M03; GB 50500-2013 §10.3).

The contractor applies per period; the employer verifies within 14 days (a calendar-day period whose end moves to
the next working day) or the application is deemed approved (视为认可); payment is due 14 days after the
certificate; supervision flags come from the DMN table ``contracts_payment_supervision``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from domain.errors import TransitionNotAllowed
from security import audit

from . import days, rules
from .amounts import MAX_AMOUNT, parse_amount
from .models import Contract, PaymentApplication, PaymentState
from .models.contract import EFFECTIVE_STATES
from .permissions import require_party

VERIFY_DAYS = 14
PAY_DAYS = 14
ADDITIONS = ("unit_rate_work", "lump_sum_items", "day_work", "safety_fee", "additions")
DEDUCTIONS = ("advance_recovery", "employer_supplied")
LABELS = {
    "cumulative_completed": "累计已完成合同价款", "cumulative_paid": "累计已实际支付合同价款",
    "unit_rate_work": "本期完成单价项目金额", "lump_sum_items": "本期应支付总价项目金额", "day_work": "本期计日工金额",
    "safety_fee": "本期安全文明施工费", "additions": "本期应增加金额", "advance_recovery": "本期扣回预付款",
    "employer_supplied": "本期甲供材料扣减",
}


def _money(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for field, label in LABELS.items():
        try:
            out[field] = parse_amount(data.get(field) or "0", label=label)
        except ValueError as exc:
            errors[field] = [str(exc)]
    return out


def payment_apply(*, contract: Contract, data: dict[str, Any], acting_user: Any,
                  applied_on: dt.date | None = None) -> PaymentApplication:
    """The contractor's application for one period (进度款支付申请)."""
    require_party(contract, acting_user, "contractor")
    if contract.state not in EFFECTIVE_STATES or contract.state == "settled":
        raise TransitionNotAllowed("合同公告后、结算前才能申请进度款。", state=contract.state)
    errors: dict[str, list[str]] = {}
    amounts = _money(data, errors)
    try:
        period_end = dt.date.fromisoformat(str(data.get("period_end", "")))
    except ValueError:
        errors["period_end"] = ["请填写计量周期截止日（YYYY-MM-DD）。"]
    if errors:
        raise ValidationError(errors)
    applied_on = applied_on or timezone.localdate()
    interim = sum((amounts[f] for f in ADDITIONS), Decimal("0.00"))
    net = interim - sum((amounts[f] for f in DEDUCTIONS), Decimal("0.00"))
    if interim > MAX_AMOUNT:
        raise ValidationError({"unit_rate_work": [f"本期完成价款合计超出可登记的范围（不能超过 {MAX_AMOUNT} 元）。"]})
    if net < 0:
        raise ValidationError({"advance_recovery": ["扣减金额大于本期完成价款，本期应支付金额不能为负。"]})
    with transaction.atomic():
        period_no = (contract.payments.order_by("-period_no").values_list("period_no", flat=True).first() or 0) + 1
        payment = PaymentApplication.objects.create(
            contract=contract, period_no=period_no, period_end=period_end, applied_on=applied_on,
            interim_amount=interim, net_payable=net, applied_by=acting_user,
            verify_due_on=days.calendar_deadline(applied_on, VERIFY_DAYS), **amounts)
        audit.record(action="contracts.payment_applied", actor=acting_user, subject=contract,
                     summary=f"第{period_no}期进度款申请 {net} 元，核实截止 {payment.verify_due_on}",
                     data={"payment_id": payment.pk})
        _start_process(payment, acting_user)
    return payment


def _start_process(payment: PaymentApplication, acting_user: Any) -> None:
    from processes import engine

    instance = engine.start(
        "contract_payment", subject=payment, acting_user=acting_user, initiator_org=payment.contract.employer,
        business_key=f"{payment.contract.number}-P{payment.period_no}",
        variables={"payment_id": payment.pk, "contract_number": payment.contract.number,
                   "period_no": payment.period_no, "net_payable": str(payment.net_payable),
                   "verify_due_on": payment.verify_due_on.isoformat()})
    payment.process_instance_id = instance.pk
    payment.save(update_fields=["process_instance_id"])


def _lock(payment: PaymentApplication) -> PaymentApplication:
    return PaymentApplication.objects.select_for_update().select_related("contract__project").get(pk=payment.pk)


def payment_certify(*, payment: PaymentApplication, amount: Any, comment: str = "", acting_user: Any,
                    today: dt.date | None = None) -> PaymentApplication:
    """The employer verifies and issues the payment certificate (支付证书); disputed parts may be left out."""
    today = today or timezone.localdate()
    try:
        value = parse_amount(amount, label="核实金额")
    except ValueError as exc:
        raise ValidationError({"certified_amount": [str(exc)]}) from None
    with transaction.atomic():
        payment = _lock(payment)
        require_party(payment.contract, acting_user, "employer")
        if value > payment.net_payable:
            raise ValidationError({"certified_amount": [f"核实金额不能超过申请的本期应支付金额 {payment.net_payable} 元。"]})
        if payment.state != PaymentState.APPLIED:
            raise TransitionNotAllowed("该申请已核实或已视为认可。", state=payment.state)
        payment.certify()
        payment.certified_amount, payment.certified_on, payment.certified_by = value, today, acting_user
        payment.certificate_comment = comment
        payment.payment_due_on = days.calendar_deadline(today, PAY_DAYS)
        payment.flags = supervision_flags(payment, today=today)
        payment.save(update_fields=["state", "certified_amount", "certified_on", "certified_by",
                                    "certificate_comment", "payment_due_on", "flags"])
        audit.record(action="contracts.payment_certified", actor=acting_user, subject=payment.contract,
                     summary=f"第{payment.period_no}期核实 {value} 元，支付截止 {payment.payment_due_on}")
    return payment


def payment_deem_approved(*, payment: PaymentApplication, today: dt.date | None = None) -> PaymentApplication:
    """The 14-day verification period ran out (逾期未核实视为认可): pay within 14 days."""
    today = today or timezone.localdate()
    with transaction.atomic():
        payment = _lock(payment)
        if payment.state != PaymentState.APPLIED:
            return payment
        payment.deem_approved()
        payment.payment_due_on = days.calendar_deadline(max(today, payment.verify_due_on), PAY_DAYS)
        payment.flags = supervision_flags(payment, today=today)
        payment.save(update_fields=["state", "payment_due_on", "flags"])
        audit.record(action="contracts.payment_deemed_approved", subject=payment.contract,
                     summary=f"第{payment.period_no}期发包人逾期未核实，视为认可 {payment.net_payable} 元")
    return payment


def payment_record(*, payment: PaymentApplication, amount: Any, paid_on: dt.date, acting_user: Any) -> PaymentApplication:
    """The employer records the payment (支付)."""
    try:
        value = parse_amount(amount, label="支付金额", positive=True)
    except ValueError as exc:
        raise ValidationError({"paid_amount": [str(exc)]}) from None
    with transaction.atomic():
        payment = _lock(payment)
        require_party(payment.contract, acting_user, "employer")
        if payment.state not in (PaymentState.CERTIFIED, PaymentState.DEEMED_APPROVED):
            raise TransitionNotAllowed("核实（或视为认可）后才能登记支付。", state=payment.state)
        payment.record_payment()
        payment.paid_amount, payment.paid_on = value, paid_on
        payment.flags = supervision_flags(payment, today=paid_on)
        payment.save(update_fields=["state", "paid_amount", "paid_on", "flags"])
        audit.record(action="contracts.payment_recorded", actor=acting_user, subject=payment.contract,
                     summary=f"第{payment.period_no}期支付 {value} 元", data={"flags": payment.flags})
    return payment


def days_overdue(payment: PaymentApplication, *, today: dt.date) -> int:
    if payment.payment_due_on is None:
        return 0
    end = payment.paid_on or today
    return max(0, (end - payment.payment_due_on).days)


def payment_ratio(payment: PaymentApplication) -> Decimal | None:
    """Paid (or else certified / deemed) amount over this period's completed work (本期完成价款)."""
    if not payment.interim_amount:
        return None
    amount = payment.paid_amount if payment.paid_amount is not None else payment.approved_amount
    return (amount / payment.interim_amount).quantize(Decimal("0.0001"))


def supervision_flags(payment: PaymentApplication, *, today: dt.date) -> list[dict[str, str]]:
    return rules.payment_flags(ratio=payment_ratio(payment), days_overdue=days_overdue(payment, today=today),
                               paid=payment.paid_on is not None)
