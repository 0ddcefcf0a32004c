"""Progress payments (M03) through the real payment process: certify, deemed approval when the 14-day period
(rolled to the next working day) runs out, payment recording and the DMN supervision flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from domain.contracts import days, payments, workflow
from domain.contracts.models import PaymentApplication, PaymentState
from processes import engine

from . import factories

SH = ZoneInfo("Asia/Shanghai")
APPLICATION = {"period_end": "2026-11-25", "cumulative_completed": "3000000", "cumulative_paid": "2000000",
               "unit_rate_work": "800000.00", "lump_sum_items": "100000.00", "day_work": "20000.00",
               "safety_fee": "30000.00", "additions": "50000.00", "advance_recovery": "100000.00",
               "employer_supplied": "0"}


def fresh(payment: PaymentApplication) -> PaymentApplication:
    return PaymentApplication.objects.get(pk=payment.pk)


@pytest.fixture
def contract(contract_models, directory):
    return factories.announced()


def test_statutory_calendar_days_end_on_a_working_day():
    # 14 days after 17 September 2026 is National Day (1 October): the period ends on 8 October
    assert days.calendar_deadline(dt.date(2026, 9, 17), 14) == dt.date(2026, 10, 8)
    assert days.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)  # holidays are not counted
    assert days.calendar_deadline(dt.date(2026, 11, 2), 14) == dt.date(2026, 11, 16)


def test_application_is_computed_and_certified_through_the_process(contract, user):
    payment = payments.payment_apply(contract=contract, data=APPLICATION, acting_user=user("ent_contractor"))
    assert payment.interim_amount == Decimal("1000000.00") and payment.net_payable == Decimal("900000.00")
    workflow.act(instance_id=payment.process_instance_id, element_id="verify_payment",
                 data={"certified_amount": "800000.00", "certificate_comment": "争议部分暂不计入"},
                 acting_user=user("ent_employer"))
    payment = fresh(payment)
    assert payment.state == PaymentState.CERTIFIED and payment.certified_amount == Decimal("800000.00")
    workflow.act(instance_id=payment.process_instance_id, element_id="record_payment",
                 data={"paid_amount": "800000.00", "paid_on": payment.payment_due_on.isoformat()},
                 acting_user=user("ent_employer"))
    payment = fresh(payment)
    assert payment.state == PaymentState.PAID and payment.flags == []  # 80 %, on time


def test_contractor_cannot_certify_its_own_application(contract, user):
    from domain.errors import DomainError

    payment = payments.payment_apply(contract=contract, data=APPLICATION, acting_user=user("ent_contractor"))
    with pytest.raises(DomainError):
        workflow.act(instance_id=payment.process_instance_id, element_id="verify_payment",
                     data={"certified_amount": "900000.00"}, acting_user=user("ent_contractor"))


def _application_day_rolling_over_a_weekend() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=3)
    while days.is_working_day(day + dt.timedelta(days=14)):
        day += dt.timedelta(days=1)
    return day


def test_deemed_approved_when_the_verification_period_runs_out(contract, user):
    applied_on = _application_day_rolling_over_a_weekend()
    payment = payments.payment_apply(contract=contract, data=APPLICATION, acting_user=user("ent_contractor"),
                                     applied_on=applied_on)
    due = payment.verify_due_on
    assert due > applied_on + dt.timedelta(days=14) and days.is_working_day(due)
    assert not any(days.is_working_day(applied_on + dt.timedelta(days=n)) for n in range(14, (due - applied_on).days))
    # on the last day of the period nothing happens yet
    engine.fire_due_timers(now=dt.datetime.combine(due, dt.time(18, 0), SH))
    assert fresh(payment).state == PaymentState.APPLIED
    engine.fire_due_timers(now=dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0, 5), SH))
    payment = fresh(payment)
    assert payment.state == PaymentState.DEEMED_APPROVED and payment.payment_due_on is not None
    assert workflow.ready_item(payment.process_instance_id, "verify_payment") is None
    assert workflow.ready_item(payment.process_instance_id, "record_payment") is not None


def test_supervision_flags_ratio_late_payment_and_suspension_right(contract, user):
    payment = payments.payment_apply(contract=contract, data=APPLICATION, acting_user=user("ent_contractor"))
    payment = payments.payment_certify(payment=payment, amount="500000.00", acting_user=user("ent_employer"))
    assert {f["code"] for f in payment.flags} == {"ratio_low"}  # 50 % of the period's work
    due = payment.payment_due_on
    assert {f["code"] for f in payments.supervision_flags(payment, today=due + dt.timedelta(days=3))} == {
        "ratio_low", "late"}
    assert "suspension_right" in {
        f["code"] for f in payments.supervision_flags(payment, today=due + dt.timedelta(days=8))}
    assert "suspension_right" not in {
        f["code"] for f in payments.supervision_flags(payment, today=due + dt.timedelta(days=7))}
    payment = payments.payment_record(payment=payment, amount="950000.00", paid_on=due + dt.timedelta(days=2),
                                      acting_user=user("ent_employer"))
    assert {f["code"] for f in payment.flags} == {"ratio_high", "paid_late"}


def test_amounts_beyond_what_the_columns_hold_are_refused(contract, user):
    """Amounts are stored with 16 digits: a larger one (or a sum of them) was an overflow in the database (a 500),
    now a message on the field; nothing is written."""
    from django.core.exceptions import ValidationError

    contractor, employer = user("ent_contractor"), user("ent_employer")
    with pytest.raises(ValidationError) as err:
        payments.payment_apply(contract=contract, data={**APPLICATION, "unit_rate_work": "99999999999999999999"},
                               acting_user=contractor)
    assert "本期完成单价项目金额超出可登记的范围" in err.value.message_dict["unit_rate_work"][0]
    each = dict.fromkeys(payments.ADDITIONS, "60000000000000")  # each fits, their sum does not
    with pytest.raises(ValidationError) as err:
        payments.payment_apply(contract=contract, data={**APPLICATION, **each}, acting_user=contractor)
    assert "本期完成价款合计超出可登记的范围" in err.value.message_dict["unit_rate_work"][0]
    assert not PaymentApplication.objects.exists()
    payment = payments.payment_apply(contract=contract, data=APPLICATION, acting_user=contractor)
    payments.payment_certify(payment=payment, amount="800000", acting_user=employer)
    with pytest.raises(ValidationError) as err:
        payments.payment_record(payment=payment, amount="1e30", paid_on=timezone.localdate(), acting_user=employer)
    assert "支付金额超出可登记的范围" in err.value.message_dict["paid_amount"][0]
    assert fresh(payment).state == PaymentState.CERTIFIED and fresh(payment).paid_amount is None

