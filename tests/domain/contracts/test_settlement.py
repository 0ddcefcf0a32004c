"""Settlement (M04): bills read from XML, JSON and Excel give the same exact figures; rounding by unit; the
line-by-line comparison with the awarded bid on a realistic 200-line bill; the published comparison."""

from __future__ import annotations

import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError

from domain.contracts import boq, boq_formats, settlement
from domain.contracts.models import BillOfQuantities, Contract, ContractState, SettlementState

from . import bills, factories


def _fen(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_rounding_follows_the_unit():
    lines = boq.normalise([
        {"part": "measured", "code": "010515001001", "name": "钢筋", "unit": "t", "quantity": "12.34567",
         "unit_price": "4321.005"},
        {"part": "measured", "code": "010505001001", "name": "有梁板", "unit": "m3", "quantity": "10.005",
         "unit_price": "0.5"},
        {"part": "measured", "code": "010516003001", "name": "机械连接", "unit": "个", "quantity": "120.5",
         "unit_price": "8.88"},
    ])
    assert [ln.quantity for ln in lines] == [Decimal("12.346"), Decimal("10.01"), Decimal("121")]
    assert [ln.unit_price for ln in lines] == [Decimal("4321.01"), Decimal("0.50"), Decimal("8.88")]
    assert [ln.amount for ln in lines] == [Decimal("53347.19"), Decimal("5.01"), Decimal("1074.48")]


def test_bad_lines_are_all_reported_in_chinese():
    with pytest.raises(ValidationError) as err:
        boq.normalise([
            {"part": "杂项", "code": "123", "name": "", "unit": "m", "quantity": "abc", "unit_price": "1"},
            {"part": "措施项目", "code": "011701001001", "name": "脚手架", "unit": "m2", "quantity": "1", "unit_price": "x"},
            {"part": "measures", "code": "011701001001", "name": "脚手架", "unit": "m2", "quantity": "1", "unit_price": "2"},
        ])
    errors = err.value.message_dict
    assert {"lines.0.part", "lines.0.code", "lines.0.name", "lines.0.quantity", "lines.1.unit_price",
            "lines.2.code"} <= set(errors)
    assert "重复" in errors["lines.2.code"][0]


def _excel(lines: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "结算清单"
    sheet.append(["组成部分", "项目编码", "项目名称", "项目特征", "计量单位", "工程量", "综合单价"])
    labels = dict(boq.BillPart.choices)
    for ln in lines:
        sheet.append([labels[ln["part"]], ln["code"], ln["name"], ln["features"], ln["unit"], ln["quantity"],
                      ln["unit_price"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("quantity", "unit_price", "field", "message"), [
    ("99999999999999", "99999999999999", "quantity", "合价（工程量 × 综合单价）过大"),  # was InvalidOperation: a 500
    ("1000000000000000", "1", "quantity", "工程量“1000000000000000”过大"),
    ("1", "1e30", "unit_price", "综合单价“1e30”过大"),
])
def test_figures_the_bill_cannot_hold_are_refused(quantity, unit_price, field, message):
    """A line whose amount had more digits than the decimal context (and the column) holds failed while rounding
    (``decimal.InvalidOperation``, a 500 on upload); each figure is bounded by its column now."""
    with pytest.raises(ValidationError) as err:
        boq.normalise([{"part": "measured", "code": "010515001001", "name": "钢筋", "unit": "t",
                        "quantity": quantity, "unit_price": unit_price}])
    assert message in err.value.message_dict[f"lines.0.{field}"][0]
    line = {"part": "measured", "name": "钢筋", "unit": "t", "quantity": "9000000000000", "unit_price": "900"}
    with pytest.raises(ValidationError) as err:  # each line fits, their sum does not
        boq.normalise([{**line, "code": "010515001001"}, {**line, "code": "010515001002"}])
    assert "清单合计过大" in err.value.message_dict["lines"][0]


def test_xml_json_and_excel_read_the_same_bill():
    raw = bills.settlement_from(bills.bid_lines())
    lines = boq.normalise(raw)
    as_json = boq_formats.to_json("结算", lines)
    as_xml = boq_formats.to_xml("结算", lines)
    results = []
    for data, name in ((as_json, "b.json"), (as_xml, "b.xml"), (_excel(raw), "b.xlsx")):
        _fmt, _title, read = boq_formats.read_any(data, name)
        results.append(sorted((ln.code, ln.part, ln.quantity, ln.unit_price, ln.amount) for ln in boq.normalise(read)))
    assert results[0] == results[1] == results[2]
    assert json.loads(as_json)["format"] == "jianguan-boq/1"


def test_json_schema_and_hostile_xml_are_refused():
    with pytest.raises(ValidationError):
        boq_formats.read_json(json.dumps({"format": "jianguan-boq/1", "title": "x",
                                          "lines": [{"part": "measured", "code": "1"}]}).encode())
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
            b'<BillOfQuantities xmlns="https://jianguan.example/boq/1" title="&a;"/>')
    with pytest.raises(ValidationError, match="DOCTYPE"):
        boq_formats.read_xml(bomb)


def test_settlement_of_a_200_line_bill_against_the_award(contract_models, directory, user):
    bid_raw = bills.bid_lines()
    assert len(bid_raw) == 200
    bid = boq.normalise(bid_raw)
    bid_bill = settlement.store_bill(kind=BillOfQuantities.Kind.BID, title="中标清单", source_format="json",
                                     data=b"", lines=bid)
    project = factories.project(funding_type="private")
    award = factories.award(project=project, price="900000.00")
    award.bid_bill = bid_bill
    award.save(update_fields=["bid_bill"])
    contract = factories.announced(project=project, award=award, price="900000.00")
    settled_raw = bills.settlement_from(bid_raw)
    data = boq_formats.to_xml("竣工结算清单", boq.normalise(settled_raw))
    result = settlement.settlement_submit(contract=contract, data=data, filename="settle.xml",
                                          acting_user=user("ent_contractor"))

    # independent arithmetic: amounts in fen from the rounded quantities and prices
    def total(raw: list[dict]) -> Decimal:
        s = Decimal(0)
        for ln in raw:
            q = boq.round_quantity(Decimal(ln["quantity"]), ln["unit"])
            s += _fen(q * _fen(Decimal(ln["unit_price"])))
        return s

    comparison = result.comparison
    assert Decimal(comparison["totals"]["total"]["bid"]) == total(bid_raw) == bid_bill.total
    assert Decimal(comparison["totals"]["total"]["settled"]) == total(settled_raw) == result.bill.total
    assert Decimal(comparison["totals"]["total"]["difference"]) == total(settled_raw) - total(bid_raw)
    assert comparison["counts"]["added"] == 1 and comparison["counts"]["removed"] == 1
    assert comparison["counts"]["quantity_changed"] == len([i for i in range(190) if i % 7 == 0])
    assert comparison["counts"]["price_changed"] == len([i for i in range(190) if i % 11 == 0])
    assert Decimal(comparison["totals"]["other"]["difference"]) == Decimal("-500000.00")
    row = next(r for r in comparison["rows"] if r["code"] == "01B007")
    assert row["status"] == "added" and row["quantity"] == "18.26" and row["amount"] == "11869.00"
    assert sum(Decimal(r["amount_difference"]) for r in comparison["rows"]) == Decimal(
        comparison["totals"]["total"]["difference"])

    result = settlement.settlement_confirm(settlement=result, acting_user=user("ent_employer"))
    result = settlement.settlement_publish(settlement=result, acting_user=user("ent_employer"))
    assert result.state == SettlementState.PUBLISHED
    assert Contract.objects.get(pk=contract.pk).state == ContractState.SETTLED


@pytest.mark.django_db
def test_an_imported_bill_is_audited(directory, user):
    from security.audit import history_for
    from security.chain import verify_chain

    data = boq_formats.to_xml("中标清单", boq.normalise(bills.bid_lines()[:3]))
    bill = settlement.import_bill(data=data, filename="bid.xml", kind=BillOfQuantities.Kind.BID,
                                  acting_user=user("officer_pd"))
    [event] = history_for(bill)
    assert (event.action, event.actor) == ("contracts.bill_imported", user("officer_pd"))
    assert event.data["source_sm3"] == bill.source_sm3 and "3 项" in event.summary
    assert verify_chain().ok
