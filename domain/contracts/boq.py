"""Bill-of-quantities arithmetic (工程量清单计价) and the line-by-line comparison with the awarded bid.

All figures are ``Decimal``. Quantities are rounded by unit (GB 50500: t to 3 decimals; m³, m², m to 2; natural
units such as 个/项/台 to whole numbers; anything else to 2), unit prices to the fen, and each line amount
(合价 = 工程量 × 综合单价) to the fen with ROUND_HALF_UP; totals are sums of the rounded line amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from .models import BillPart

CODE = re.compile(r"^(\d{12}|\d{2}B\d{3})$")
FEN = Decimal("0.01")
THREE = Decimal("0.001")
ONE = Decimal("1")
UNIT_PLACES: dict[str, Decimal] = {
    "t": THREE, "吨": THREE,
    "m3": FEN, "m³": FEN, "立方米": FEN, "m2": FEN, "m²": FEN, "平方米": FEN, "m": FEN, "米": FEN,
    "个": ONE, "项": ONE, "台": ONE, "套": ONE, "樘": ONE, "组": ONE, "块": ONE, "根": ONE, "株": ONE,
    "处": ONE, "只": ONE, "座": ONE, "部": ONE, "副": ONE, "扇": ONE, "系统": ONE, "宗": ONE, "点": ONE,
}
PART_LABELS = {label: value for value, label in BillPart.choices}
# What the bill's columns hold (``BillLine``: quantity 18 digits with 3 decimals, unit price 16 with 2, amount and
# the bill's total 18 with 2): anything at or above is refused instead of overflowing (a 500).
MAX_QUANTITY = Decimal(10) ** 15
MAX_UNIT_PRICE = Decimal(10) ** 14
MAX_AMOUNT = Decimal(10) ** 16


def quantity_places(unit: str) -> Decimal:
    return UNIT_PLACES.get(unit.strip(), FEN)


def round_quantity(quantity: Decimal, unit: str) -> Decimal:
    return quantity.quantize(quantity_places(unit), rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    seq: int
    part: str
    code: str
    name: str
    features: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal = field(default=Decimal("0.00"))


def _decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not result.is_finite():
        raise ValueError
    return result


def normalise(raw_lines: list[dict[str, Any]]) -> list[Line]:
    """Check and round raw lines; every problem is reported at once, keyed ``lines.<i>.<field>``."""
    errors: dict[str, list[str]] = {}
    lines: list[Line] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_lines):
        where = f"lines.{i}"
        part = str(raw.get("part", "")).strip()
        part = PART_LABELS.get(part, part)
        code = str(raw.get("code", "")).strip()
        unit = str(raw.get("unit", "")).strip()
        name = str(raw.get("name", "")).strip()
        if part not in BillPart.values:
            errors[f"{where}.part"] = [f"第{i + 1}行组成部分“{raw.get('part', '')}”无效，应为分部分项工程、措施项目、其他项目、规费或税金。"]
        if not CODE.match(code):
            errors[f"{where}.code"] = [f"第{i + 1}行项目编码“{code}”应为12位数字（补充项目为“专业代码B001”格式）。"]
        elif code in seen:
            errors[f"{where}.code"] = [f"第{i + 1}行项目编码 {code} 与第{seen[code] + 1}行重复。"]
        else:
            seen[code] = i
        if not name:
            errors[f"{where}.name"] = [f"第{i + 1}行缺少项目名称。"]
        if not unit:
            errors[f"{where}.unit"] = [f"第{i + 1}行缺少计量单位。"]
        try:
            quantity = _decimal(raw.get("quantity"))
            if quantity < 0:
                raise ValueError
            if quantity >= MAX_QUANTITY:
                errors[f"{where}.quantity"] = [f"第{i + 1}行工程量“{raw.get('quantity')}”过大，超出可登记的范围。"]
                quantity = Decimal(0)
            quantity = round_quantity(quantity, unit)
        except ValueError:
            errors[f"{where}.quantity"] = [f"第{i + 1}行工程量“{raw.get('quantity')}”不是有效的非负数。"]
            quantity = Decimal(0)
        try:
            price = _decimal(raw.get("unit_price"))
            if abs(price) >= MAX_UNIT_PRICE:
                errors[f"{where}.unit_price"] = [f"第{i + 1}行综合单价“{raw.get('unit_price')}”过大，超出可登记的范围。"]
                price = Decimal(0)
            price = price.quantize(FEN, rounding=ROUND_HALF_UP)
        except ValueError:
            errors[f"{where}.unit_price"] = [f"第{i + 1}行综合单价“{raw.get('unit_price')}”不是有效的金额。"]
            price = Decimal(0)
        if abs(quantity * price) >= MAX_AMOUNT:
            errors[f"{where}.quantity"] = [f"第{i + 1}行合价（工程量 × 综合单价）过大，超出可登记的范围。"]
            quantity = Decimal(0)
        lines.append(Line(i + 1, part, code, name, str(raw.get("features") or "").strip(), unit, quantity, price,
                          line_amount(quantity, price)))
    if not raw_lines:
        errors["lines"] = ["清单没有任何项目。"]
    elif not errors and abs(sum((line.amount for line in lines), Decimal(0))) >= MAX_AMOUNT:
        errors["lines"] = ["清单合计过大，超出可登记的范围。"]
    if errors:
        raise ValidationError(errors)
    return lines


def totals_by_part(lines: list[Any]) -> dict[str, Decimal]:
    totals = {part: Decimal("0.00") for part in BillPart.values}
    for line in lines:
        totals[line.part] += line.amount
    totals["total"] = sum((totals[p] for p in BillPart.values), Decimal("0.00"))
    return totals


def compare(bid_lines: list[Any], settled_lines: list[Any]) -> dict[str, Any]:
    """Line by line by code: quantities, unit prices and amounts of the settlement against the awarded bid.

    Returns ``{"rows": [...], "totals": {part: {bid, settled, difference}}, "counts": {...}}``; money as strings.
    """
    bid = {line.code: line for line in bid_lines}
    settled = {line.code: line for line in settled_lines}
    rows: list[dict[str, Any]] = []
    order = [line.code for line in bid_lines] + [line.code for line in settled_lines if line.code not in bid]
    counts = {"matched": 0, "quantity_changed": 0, "price_changed": 0, "added": 0, "removed": 0}
    zero = Decimal("0.00")
    for code in order:
        b, s = bid.get(code), settled.get(code)
        ref = s or b
        assert ref is not None
        status = "matched" if b and s else ("added" if s else "removed")
        counts[status] += 1
        price_changed = bool(b and s and b.unit_price != s.unit_price)
        quantity_changed = bool(b and s and b.quantity != s.quantity)
        counts["price_changed"] += price_changed
        counts["quantity_changed"] += quantity_changed
        b_amount, s_amount = (b.amount if b else zero), (s.amount if s else zero)
        bq = round_quantity(b.quantity, b.unit) if b else None
        sq = round_quantity(s.quantity, s.unit) if s else None
        rows.append({
            "code": code, "part": ref.part, "name": ref.name, "unit": ref.unit, "status": status,
            "bid_quantity": str(bq) if b else "", "bid_unit_price": str(b.unit_price) if b else "",
            "bid_amount": str(b_amount),
            "quantity": str(sq) if s else "", "unit_price": str(s.unit_price) if s else "",
            "amount": str(s_amount),
            "quantity_difference": str(sq - bq) if sq is not None and bq is not None else "",
            "amount_difference": str(s_amount - b_amount),
            "price_changed": price_changed, "quantity_changed": quantity_changed,
        })
    bid_totals, settled_totals = totals_by_part(bid_lines), totals_by_part(settled_lines)
    totals = {
        key: {"bid": str(bid_totals[key]), "settled": str(settled_totals[key]),
              "difference": str(settled_totals[key] - bid_totals[key])}
        for key in bid_totals
    }
    return {"rows": rows, "totals": totals, "counts": counts}
