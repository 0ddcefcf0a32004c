"""The public API (contracts §3) against the shipped tables."""

from __future__ import annotations

import pytest

from decisions import api


def test_shipped_tables_load_without_errors():
    registry = api.default_registry()
    registry.refresh(force=True)
    assert registry.errors == {}
    assert api.decision_exists("sites_general_decoration")
    assert not api.decision_exists("no_such_decision")


def test_shipped_tables_have_no_error_findings():
    problems = {t.id: [f.message for f in t.findings if f.severity == "error"] for t in api.list_decisions()}
    assert {k: v for k, v in problems.items() if v} == {}


def test_evaluate_returns_outputs_matched_rules_and_explanation():
    result = api.evaluate(
        "sites_general_decoration",
        {
            "touches_structure": True,
            "touches_fire_system": False,
            "touches_facade": False,
            "contract_amount": 5_000_000,
            "floor_area": 2000,
        },
    )
    assert result.outputs["is_general_decoration"] is False
    assert result.matched[0]["index"] >= 1 and result.matched[0]["rule_id"]
    assert result.explanation().startswith("决策“一般类装饰装修认定”：规则 ")


def test_unknown_decision_is_a_404_error():
    with pytest.raises(api.DecisionNotFound) as exc:
        api.evaluate("no_such_decision", {})
    assert exc.value.status_code == 404
