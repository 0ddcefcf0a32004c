"""Writes for final settlement (竣工结算, M04): import the settlement bill, compare it line by line with the
awarded bid, confirm (60 days) and publish (file within 30 days; state-funded works publish the comparison)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from domain.errors import TransitionNotAllowed
from security import audit
from security.crypto import sm3_hex

from . import boq, boq_formats, days
from .models import BillLine, BillOfQuantities, Contract, Settlement, SettlementState
from .models.contract import EFFECTIVE_STATES
from .permissions import require_party

VERIFY_DAYS = 60


def store_bill(*, kind: str, title: str, source_format: str, data: bytes, lines: list[boq.Line]) -> BillOfQuantities:
    bill = BillOfQuantities.objects.create(kind=kind, title=title[:200], source_format=source_format,
                                          source_sm3=sm3_hex(data) if data else "",
                                          total=boq.totals_by_part(lines)["total"])
    BillLine.objects.bulk_create([
        BillLine(bill=bill, seq=ln.seq, part=ln.part, code=ln.code, name=ln.name[:200], features=ln.features,
                 unit=ln.unit, quantity=ln.quantity, unit_price=ln.unit_price, amount=ln.amount)
        for ln in lines
    ])
    return bill


def import_bill(*, data: bytes, filename: str, kind: str, acting_user: Any = None) -> BillOfQuantities:
    """Read a standard file (XML / JSON / Excel), check and round it, and store it."""
    source_format, title, raw = boq_formats.read_any(data, filename)
    lines = boq.normalise(raw)
    with transaction.atomic():
        bill = store_bill(kind=kind, title=title, source_format=source_format, data=data, lines=lines)
        audit.record(action="contracts.bill_imported", actor=acting_user, subject=bill,
                     summary=f"导入工程量清单「{bill.title}」{bill.total} 元（{len(lines)} 项）",
                     data={"kind": kind, "source_format": source_format, "source_sm3": bill.source_sm3})
        return bill


def comparison_for(settlement: Settlement) -> dict[str, Any]:
    award = settlement.contract.award
    bid_lines = list(award.bid_bill.lines.all()) if award and award.bid_bill else []
    return boq.compare(bid_lines, list(settlement.bill.lines.all()))


def settlement_submit(*, contract: Contract, data: bytes, filename: str, acting_user: Any) -> Settlement:
    """The contractor submits the settlement bill (提交竣工结算文件)."""
    require_party(contract, acting_user, "contractor")
    if contract.state not in EFFECTIVE_STATES or contract.state == "settled":
        raise TransitionNotAllowed("合同公告后、结算前才能提交竣工结算。", state=contract.state)
    if Settlement.objects.filter(contract=contract).exists():
        raise TransitionNotAllowed("该合同已提交竣工结算。", state=contract.state)
    source_format, title, raw = boq_formats.read_any(data, filename)
    lines = boq.normalise(raw)
    with transaction.atomic():
        bill = store_bill(kind=BillOfQuantities.Kind.SETTLEMENT, title=title, source_format=source_format,
                          data=data, lines=lines)
        settlement = Settlement.objects.create(
            contract=contract, bill=bill, submitted_by=acting_user,
            verify_due_on=days.calendar_deadline(timezone.localdate(), VERIFY_DAYS))
        settlement.comparison = comparison_for(settlement)
        settlement.save(update_fields=["comparison"])
        audit.record(action="contracts.settlement_submitted", actor=acting_user, subject=contract,
                     summary=f"提交竣工结算 {bill.total} 元（{len(lines)} 项）", data={"settlement_id": settlement.pk})
    return settlement


def settlement_confirm(*, settlement: Settlement, acting_user: Any) -> Settlement:
    """The employer confirms the settlement (发包人确认结算)."""
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().select_related("contract").get(pk=settlement.pk)
        require_party(settlement.contract, acting_user, "employer")
        if settlement.state != SettlementState.SUBMITTED:
            raise TransitionNotAllowed("该结算已确认。", state=settlement.state)
        settlement.confirm()
        settlement.confirmed_at = timezone.now()
        settlement.save(update_fields=["state", "confirmed_at"])
        audit.record(action="contracts.settlement_confirmed", actor=acting_user, subject=settlement.contract,
                     summary=f"发包人确认竣工结算 {settlement.bill.total} 元")
    return settlement


def settlement_publish(*, settlement: Settlement, acting_user: Any) -> Settlement:
    """The employer files the confirmed settlement (结算备案); the comparison page is then public and the
    contract is settled."""
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().select_related("contract").get(pk=settlement.pk)
        contract = Contract.objects.select_for_update().get(pk=settlement.contract_id)
        require_party(contract, acting_user, "employer")
        if settlement.state != SettlementState.CONFIRMED:
            raise TransitionNotAllowed("发包人确认结算后才能备案公布。", state=settlement.state)
        settlement.publish()
        settlement.published_at = timezone.now()
        settlement.comparison = comparison_for(settlement)
        settlement.save(update_fields=["state", "published_at", "comparison"])
        contract.settle()
        contract.save(update_fields=["state", "updated_at"])
        audit.record(action="contracts.settlement_published", actor=acting_user, subject=contract,
                     summary="竣工结算备案并公布")
    return settlement
