"""Hit policies and aggregators as the DMN 1.3 specification defines them (§8.2.11)."""

from __future__ import annotations

import datetime as dt

import pytest

from decisions import api

SEASONS = [
    (['"Fall"'], ['"Spareribs"'], "秋季"),
    (['"Winter"'], ['"Roastbeef"'], "冬季"),
    (['"Spring"'], ['"Steak"']),
    (['"Summer"'], ['"Light Salad"']),
]


def test_unique_returns_the_single_matching_rule(tables):
    tables.add("dish", inputs=[("season", "string")], outputs=[("dish", "string")], rules=SEASONS)
    result = tables.evaluate("dish", {"season": "Winter"})
    assert result.outputs == {"dish": "Roastbeef"}
    assert result.matched == [{"rule_id": "rule_2", "index": 2, "annotation": "冬季"}]
    assert result.explanation() == "决策“dish”：规则 2（冬季） → dish=Roastbeef"


def test_unique_with_two_matches_is_a_violation_naming_both_rules(tables):
    tables.add(
        "dish",
        inputs=[("guests", "number")],
        outputs=[("dish", "string")],
        rules=[(["<= 8"], ['"Spareribs"']), ([">= 5"], ['"Stew"'])],
    )
    assert tables.evaluate("dish", {"guests": 4}).outputs == {"dish": "Spareribs"}
    with pytest.raises(api.HitPolicyViolation) as exc:
        tables.evaluate("dish", {"guests": 6})
    assert "规则 1、2" in exc.value.message


def test_any_allows_agreeing_rules_and_refuses_disagreeing_ones(tables):
    tables.add(
        "eligible",
        hit_policy="ANY",
        inputs=[("age", "number"), ("member", "boolean")],
        outputs=[("ok", "boolean")],
        rules=[([">= 18", "-"], ["true"]), (["-", "true"], ["true"]), (["< 12", "-"], ["false"])],
    )
    result = tables.evaluate("eligible", {"age": 30, "member": True})
    assert result.outputs == {"ok": True}
    assert [m["index"] for m in result.matched] == [1, 2]
    with pytest.raises(api.HitPolicyViolation):
        tables.evaluate("eligible", {"age": 10, "member": True})


def test_first_returns_the_first_matching_rule_in_rule_order(tables):
    tables.add(
        "discount",
        hit_policy="FIRST",
        inputs=[("amount", "number")],
        outputs=[("rate", "number")],
        rules=[([">= 1000"], ["0.1"]), ([">= 100"], ["0.05"]), (["-"], ["0"])],
    )
    assert tables.evaluate("discount", {"amount": 5000}).outputs == {"rate": 0.1}
    assert tables.evaluate("discount", {"amount": 500}).outputs == {"rate": 0.05}
    assert tables.evaluate("discount", {"amount": 5}).matched[0]["index"] == 3


def _routing(tables, hit_policy: str) -> None:
    # The specification's example: routing rules where DECLINE beats REFER beats ACCEPT.
    tables.add(
        "routing",
        hit_policy=hit_policy,
        inputs=[("age", "number"), ("risk", "string"), ("debt_review", "boolean")],
        outputs=[("routing", "string"), ("reason", "string")],
        output_values={"routing": '"DECLINE","REFER","ACCEPT"'},
        rules=[
            (["-", "-", "-"], ['"ACCEPT"', '"Acceptable"']),
            (["< 18", "-", "-"], ['"DECLINE"', '"Applicant too young"']),
            (["-", '"High"', "-"], ['"REFER"', '"High risk application"']),
            (["-", "-", "true"], ['"REFER"', '"Applicant under debt review"']),
        ],
    )


def test_priority_picks_the_output_earliest_in_the_output_values_list(tables):
    _routing(tables, "PRIORITY")
    assert tables.evaluate("routing", {"age": 30, "risk": "High", "debt_review": False}).outputs == {
        "routing": "REFER",
        "reason": "High risk application",
    }
    young = tables.evaluate("routing", {"age": 17, "risk": "High", "debt_review": True})
    assert young.outputs["routing"] == "DECLINE"
    assert young.matched == [{"rule_id": "rule_2", "index": 2, "annotation": ""}]
    # Equal priority: the earlier rule wins.
    tie = tables.evaluate("routing", {"age": 30, "risk": "High", "debt_review": True})
    assert tie.outputs["reason"] == "High risk application"


def test_output_order_lists_all_hits_by_decreasing_priority(tables):
    _routing(tables, "OUTPUT ORDER")
    result = tables.evaluate("routing", {"age": 17, "risk": "High", "debt_review": False})
    assert [o["routing"] for o in result.outputs] == ["DECLINE", "REFER", "ACCEPT"]
    assert [m["index"] for m in result.matched] == [2, 3, 1]


def test_rule_order_lists_all_hits_in_rule_order(tables):
    _routing(tables, "RULE ORDER")
    result = tables.evaluate("routing", {"age": 17, "risk": "High", "debt_review": False})
    assert [o["routing"] for o in result.outputs] == ["ACCEPT", "DECLINE", "REFER"]
    assert [m["index"] for m in result.matched] == [1, 2, 3]


FEES = [([">= 0"], ["100"]), ([">= 10"], ["250"]), ([">= 20"], ["50"]), (["< 0"], ["999"])]


@pytest.mark.parametrize(
    ("aggregation", "days", "expected"),
    [
        ("SUM", 25, 400),
        ("MIN", 25, 50),
        ("MAX", 25, 250),
        ("COUNT", 25, 3),
        ("SUM", 5, 100),
        ("COUNT", 15, 2),
    ],
)
def test_collect_aggregators(tables, aggregation, days, expected):
    tables.add(
        "fee",
        hit_policy="COLLECT",
        aggregation=aggregation,
        inputs=[("days", "number")],
        outputs=[("fee", "number")],
        rules=FEES,
    )
    result = tables.evaluate("fee", {"days": days})
    assert result.outputs == {"fee": expected}
    assert result.hit_policy == f"COLLECT {aggregation}"


def test_collect_without_aggregator_lists_the_outputs(tables):
    tables.add(
        "fee", hit_policy="COLLECT", inputs=[("days", "number")], outputs=[("fee", "number")], rules=FEES
    )
    assert tables.evaluate("fee", {"days": 12}).outputs == [{"fee": 100}, {"fee": 250}]


def test_collect_no_match_gives_empty_list_count_zero_and_null_sum(tables):
    for agg in ("", "COUNT", "SUM", "MAX"):
        tables.add(
            f"fee{agg}",
            hit_policy="COLLECT",
            aggregation=agg,
            inputs=[("days", "number")],
            outputs=[("fee", "number")],
            rules=[(["> 100"], ["1"])],
        )
    assert tables.evaluate("fee", {"days": 1}).outputs == []
    assert tables.evaluate("feeCOUNT", {"days": 1}).outputs == {"fee": 0}
    assert tables.evaluate("feeSUM", {"days": 1}).outputs == {"fee": None}
    assert tables.evaluate("feeMAX", {"days": 1}).outputs == {"fee": None}


def test_no_match_uses_default_outputs_or_raises(tables):
    tables.add(
        "with_default",
        inputs=[("x", "number")],
        outputs=[("y", "string"), ("z", "number")],
        defaults={"y": '"人工审查"'},
        rules=[(["1"], ['"自动"', "1"])],
    )
    result = tables.evaluate("with_default", {"x": 2})
    assert result.outputs == {"y": "人工审查", "z": None}
    assert result.used_default and result.matched == []
    assert "无规则命中，采用默认输出" in result.explanation()
    tables.add(
        "without_default", inputs=[("x", "number")], outputs=[("y", "string")], rules=[(["1"], ['"a"'])]
    )
    with pytest.raises(api.DecisionNoMatch) as exc:
        tables.evaluate("without_default", {"x": 2})
    assert "x=2" in exc.value.message


def test_output_entries_are_expressions_over_the_inputs(tables):
    tables.add(
        "interest",
        hit_policy="FIRST",
        inputs=[("amount", "number"), ("days", "number")],
        outputs=[("interest", "number"), ("due", "date")],
        rules=[(["> 0", "> 7"], ["amount * 0.0005 * days", 'date("2026-01-31")'])],
    )
    result = tables.evaluate("interest", {"amount": 1_000_000, "days": 10})
    assert result.outputs == {"interest": 5000, "due": dt.date(2026, 1, 31)}


def test_inputs_are_read_as_their_declared_types(tables):
    tables.add(
        "typed",
        hit_policy="FIRST",
        inputs=[("when", "date"), ("amount", "number"), ("flag", "boolean")],
        outputs=[("ok", "boolean")],
        rules=[(['>= date("2026-01-01")', "[0..0.6)", "true"], ["true"]), (["-", "-", "-"], ["false"])],
    )
    assert tables.evaluate("typed", {"when": "2026-03-01", "amount": "0.59", "flag": "true"}).outputs == {
        "ok": True
    }
    assert tables.evaluate(
        "typed", {"when": dt.datetime(2026, 3, 1, 9), "amount": 0.6, "flag": True}
    ).outputs == {"ok": False}  # 0.6 is not below 0.6 (floats are read exactly, not as 0.59999…)
    with pytest.raises(api.DecisionInputError) as exc:
        tables.evaluate("typed", {"when": "not a date", "amount": 1, "flag": True})
    assert "when" in exc.value.message and "日期" in exc.value.message


def test_required_decision_feeds_the_dependent_table(tables):
    tables.add(
        "risk",
        hit_policy="FIRST",
        inputs=[("violations", "number")],
        outputs=[("risk", "string")],
        rules=[([">= 3"], ['"high"']), (["-"], ['"low"'])],
        name="风险等级",
    )
    tables.add(
        "action",
        inputs=[("risk", "string"), ("rectified", "boolean")],
        outputs=[("action", "string")],
        requires=["risk"],
        name="处理决定",
        rules=[
            (['"high"', "false"], ['"withdraw"'], "违规3次以上且未整改"),
            (['"high"', "true"], ['"warn"']),
            (['"low"', "-"], ['"none"']),
        ],
    )
    result = tables.evaluate("action", {"violations": 4, "rectified": False})
    assert result.outputs == {"action": "withdraw"}
    assert result.required["risk"].outputs == {"risk": "high"}
    assert result.explanation() == (
        "决策“风险等级”：规则 1 → risk=high；决策“处理决定”：规则 1（违规3次以上且未整改） → action=withdraw"
    )


def test_results_are_json_ready(tables):
    import json

    _routing(tables, "RULE ORDER")
    payload = tables.evaluate("routing", {"age": 17, "risk": "Low", "debt_review": False}).as_dict()
    assert json.loads(json.dumps(payload))["matched_rules"][0]["index"] == 1


def test_nan_and_infinity_never_crash_a_table(tables):
    from decimal import Decimal

    tables.add(
        "n",
        hit_policy="FIRST",
        inputs=[("x", "number")],
        outputs=[("y", "string")],
        rules=[(["< 10"], ['"small"']), (["-"], ['"other"'])],
    )
    assert tables.evaluate("n", {"x": float("nan")}).outputs == {"y": "other"}  # read as null
    with pytest.raises(api.DecisionInputError):
        tables.evaluate("n", {"x": Decimal("NaN")})


def test_numbers_beyond_decimal128_are_refused_at_once(tables):
    """``1e20000000`` (typed on the test page or sent to the API) became a 20-million-digit integer: minutes of
    one worker for one request. Integer parts longer than FEEL's 34 digits are refused before any arithmetic."""
    import time
    from decimal import Decimal

    tables.add(
        "big",
        hit_policy="FIRST",
        inputs=[("x", "number")],
        outputs=[("y", "string")],
        rules=[(["< 10"], ['"small"']), (["-"], ['"other"'])],
    )
    started = time.monotonic()
    for value in ("1e20000000", 10**40, Decimal("1e99999"), 1e300):
        with pytest.raises(api.DecisionInputError, match="数值过大"):
            tables.evaluate("big", {"x": value})
    assert time.monotonic() - started < 1
    assert tables.evaluate("big", {"x": "9" * 34}).outputs == {"y": "other"}

