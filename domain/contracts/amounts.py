"""Money amounts people type in (元): parsed, rounded to the fen and bounded by what the columns can hold, so an
absurd figure is refused with a message instead of overflowing the database (a 500)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

FEN = Decimal("0.01")
#: The largest amount every money column holds (``DecimalField(max_digits=16, decimal_places=2)``).
MAX_AMOUNT = Decimal("99999999999999.99")


def parse_amount(value: Any, *, label: str, positive: bool = False) -> Decimal:
    """``value`` in 元, rounded to the fen. Raises ``ValueError`` with the message to show for anything that is not
    an amount, is negative (or zero when ``positive``), or is larger than :data:`MAX_AMOUNT`."""
    invalid = f"{label}应为{'大于' if positive else '不小于'} 0 的金额（元）。"
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(invalid) from None
    if not amount.is_finite():
        raise ValueError(invalid)
    if amount > MAX_AMOUNT:
        raise ValueError(f"{label}超出可登记的范围（不能超过 {MAX_AMOUNT} 元）。")
    amount = amount.quantize(FEN)
    if amount < 0 or (positive and amount == 0):
        raise ValueError(invalid)
    return amount
