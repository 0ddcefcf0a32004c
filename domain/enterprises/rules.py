"""Decisions of this context: DMN 1.3 tables in ``decisions/tables/enterprises/`` evaluated by the platform DMN
engine (``decisions.api``). The tables, not this code, hold the rules:

* ``enterprises_check_scope`` — which credentials a check batch covers and why (COLLECT);
* ``enterprises_suspension_scale`` / ``enterprises_late_report_extension`` — 建质〔2008〕121号 scale;
* ``enterprises_hearing_offered`` — whether a revocation/withdrawal offers a hearing (configurable);
* ``enterprises_licence_extension`` — extension without re-examination.
"""

from __future__ import annotations

from typing import Any

from decisions import api
from decisions.engine.errors import DecisionNoMatch
from domain.errors import ProcedureError


def evaluate(decision_id: str, inputs: dict[str, Any]) -> Any:
    """Outputs of ``decision_id`` for ``inputs`` (a dict for FIRST, a list of dicts for COLLECT)."""
    try:
        return api.evaluate(decision_id, inputs).outputs
    except DecisionNoMatch as exc:
        raise ProcedureError(f"决策表 {decision_id} 没有匹配的规则，请检查输入数据。") from exc
