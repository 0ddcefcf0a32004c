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


def test_sources_pin_the_table_version_a_definition_was_published_with(tables):
    from decisions.authoring import dmn_xml

    old = dmn_xml("fee", inputs=[("x", "number")], outputs=[("fee", "number")], rules=[(["-"], ["10"])])
    new = dmn_xml("fee", inputs=[("x", "number")], outputs=[("fee", "number")], rules=[(["-"], ["20"])])
    tables.write("fee.dmn", new)
    assert tables.evaluate("fee", {"x": 1}).outputs == {"fee": 20}
    pinned = api.evaluate("fee", {"x": 1}, sources={"decisions/fee.dmn": old})
    assert pinned.outputs == {"fee": 10}
    assert pinned.version != tables.table("fee").version
    # Ids the snapshot does not hold come from the platform registry.
    assert api.evaluate(
        "examples_violation_risk", {"violations": 0, "serious": False}, sources={"decisions/fee.dmn": old}
    ).outputs == {"risk": "low"}


def test_registry_rereads_a_changed_file(tables):
    from decisions.authoring import dmn_xml

    tables.add("fee", inputs=[("x", "number")], outputs=[("fee", "number")], rules=[(["-"], ["10"])])
    first = tables.table("fee").version
    (tables.root / "fee.dmn").write_text(
        dmn_xml("fee", inputs=[("x", "number")], outputs=[("fee", "number")], rules=[(["-"], ["300"])]),
        encoding="utf-8",
    )
    assert tables.evaluate("fee", {"x": 1}).outputs == {"fee": 300}  # interval 0: checked on every call
    assert tables.table("fee").version != first


def test_system_check_reports_broken_tables(settings, tmp_path):
    from decisions import checks
    from decisions.registry import default_registry

    registry = default_registry()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.dmn").write_text("<definitions/>", encoding="utf-8")
    registry.roots = [*registry.roots, broken]
    try:
        messages = [w.msg for w in checks.check_decision_tables()]
    finally:
        registry.roots = registry.roots[:-1]
        registry.refresh(force=True)
    assert any("不是 DMN 文件" in m for m in messages)
