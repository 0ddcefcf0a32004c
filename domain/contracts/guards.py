"""Business guards that need more than a state check."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import TenderAward

MATCHED_FIELDS = (
    ("scope", "工程内容"),
    ("price", "合同价款"),
    ("duration_days", "工期"),
    ("quality_standard", "质量标准"),
    ("project_manager_name", "项目负责人"),
)


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, str):
        return "".join(value.split())
    return value


def award_mismatches(data: dict[str, Any], award: TenderAward) -> dict[str, list[str]]:
    """For a tendered contract: the fields that differ from the award (条例第31-32条: scope, price, duration,
    quality standard and project manager must match the tender and the winning bid)."""
    errors: dict[str, list[str]] = {}
    for field, label in MATCHED_FIELDS:
        ours, theirs = data.get(field), getattr(award, field)
        if field == "price":
            ours = Decimal(str(ours)) if ours is not None else None
            theirs = Decimal(str(theirs))
        if _norm(ours) != _norm(theirs):
            errors[field] = [f"{label}与中标结果不一致（中标：{theirs}；合同：{ours}）。招标工程的合同实质性内容须与中标结果一致。"]
    return errors
