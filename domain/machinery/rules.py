"""Decisions of this context: the facts the DMN tables in ``decisions/tables/machinery/`` read, and direct
evaluation through the platform DMN engine (``decisions.api``, contracts §3).

The property-filing process evaluates ``machinery_filing_disqualifiers`` in its business-rule task with the facts
:func:`filing_facts` puts into the process variables; :func:`filing_disqualifiers` evaluates the same table
directly (pages, checks before submitting)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from decisions import api

FILING_DISQUALIFIERS = "machinery_filing_disqualifiers"

REQUIRED_FILING_DOCUMENTS = {
    "manufacturing_licence": "特种设备制造许可证",
    "product_certificate": "产品合格证",
    "inspection_certificate": "制造监督检验证明",
    "invoice": "购销合同或发票",
}


def age_in_years(factory_date: date, today: date) -> float:
    """Service years since the factory date (出厂年限), to two decimals."""
    return round((today - factory_date).days / 365.25, 2)


def filing_facts(
    *,
    model_name: str,
    machine_type: str,
    rated_capacity: Decimal,
    factory_date: date,
    safety_devices_ok: bool,
    documents: dict[str, Any],
    today: date,
) -> dict[str, Any]:
    """The inputs of ``machinery_filing_disqualifiers`` (JSON-safe: they become process variables)."""
    return {
        "model_name": model_name.strip().upper(),
        "machine_type": machine_type,
        "rated_capacity": float(rated_capacity),
        "age_years": age_in_years(factory_date, today),
        "safety_devices_ok": bool(safety_devices_ok),
        "documents_complete": all(documents.get(k) for k in REQUIRED_FILING_DOCUMENTS),
    }


def filing_disqualifiers(**facts: Any) -> list[dict[str, Any]]:
    """不予备案情形 for a filing application, each with the ``rule_id`` that found it."""
    result = api.evaluate(FILING_DISQUALIFIERS, filing_facts(**facts))
    outputs = result.outputs if isinstance(result.outputs, list) else [result.outputs]
    return [{**o, "rule_id": m["rule_id"]} for o, m in zip(outputs, result.matched, strict=True)]
