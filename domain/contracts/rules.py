"""The contract decisions, evaluated by the DMN engine (``decisions/tables/contracts/*.dmn``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import Contract

PUBLIC_NOTICE = "contracts_public_notice"
PAYMENT_SUPERVISION = "contracts_payment_supervision"


def evaluate(decision_id: str, inputs: dict[str, Any]) -> Any:
    from decisions import api

    return api.evaluate(decision_id, inputs)


def public_notice(contract: Contract) -> tuple[bool, int, str, list[dict[str, Any]]]:
    """(required, working days, reason, matched rules) for the contract's public notice (合同公示)."""
    result = evaluate(PUBLIC_NOTICE, {
        "price": contract.price,
        "funding_type": contract.project.funding_type,
        "contract_type": contract.contract_type,
        "tendered": contract.tendered,
    })
    out = result.outputs if isinstance(result.outputs, dict) else (result.outputs or [{}])[0]
    required = bool(out.get("notice_required"))
    working_days = int(out.get("notice_working_days") or 0)
    return required, working_days, str(out.get("reason", "")), list(result.matched)


def payment_flags(*, ratio: Decimal | None, days_overdue: int, paid: bool) -> list[dict[str, str]]:
    """Supervision flags (支付监管提示) for one payment: ratio outside 60–90 %, late payment, suspension right."""
    result = evaluate(PAYMENT_SUPERVISION, {
        "ratio": ratio if ratio is not None else Decimal("-1"),
        "days_overdue": days_overdue,
        "paid": paid,
    })
    outputs = result.outputs if isinstance(result.outputs, list) else [result.outputs] if result.outputs else []
    return [{"code": str(o.get("flag", "")), "message": str(o.get("message", ""))} for o in outputs if o.get("flag")]
