"""Property: the compiled FIRST table returns the first rule a brute-force interpreter finds (and the
multi-hit policies return exactly the brute-force matches)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.authoring import dmn_xml
from decisions.engine.errors import DecisionNoMatch
from decisions.engine.evaluator import evaluate_table
from decisions.engine.loader import load_bytes

Cell = tuple[str, Callable[[int], bool]]
small = st.integers(min_value=-5, max_value=15)


def _cell(kind: str, a: int, b: int) -> Cell:
    lo, hi = min(a, b), max(a, b)
    return {
        "any": ("-", lambda v: True),
        "lt": (f"< {a}", lambda v: v < a),
        "ge": (f">= {a}", lambda v: v >= a),
        "eq": (f"{a}", lambda v: v == a),
        "ne": (f"not({a})", lambda v: v != a),
        "closed": (f"[{lo}..{hi}]", lambda v: lo <= v <= hi),
        "open": (f"({lo}..{hi})", lambda v: lo < v < hi),
        "half": (f"]{lo}..{hi}]", lambda v: lo < v <= hi),
        "list": (f"{a}, {b}", lambda v: v in (a, b)),
        "notlist": (f"not({a}, {b})", lambda v: v not in (a, b)),
    }[kind]


cells = st.builds(
    _cell,
    st.sampled_from(["any", "lt", "ge", "eq", "ne", "closed", "open", "half", "list", "notlist"]),
    small,
    small,
)


@st.composite
def tables_and_inputs(draw):
    width = draw(st.integers(min_value=1, max_value=4))
    rules = draw(st.lists(st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=12))
    values = draw(st.lists(small, min_size=width, max_size=width))
    return width, rules, values


def _build(width, rules, hit_policy):
    xml = dmn_xml(
        "p",
        hit_policy=hit_policy,
        inputs=[(f"x{i}", "number") for i in range(width)],
        outputs=[("r", "number")],
        rules=[([c[0] for c in rule], [str(n)]) for n, rule in enumerate(rules, 1)],
    )
    return load_bytes(xml.encode())[0]


def _brute_force(rules, values) -> list[int]:
    return [
        n
        for n, rule in enumerate(rules, 1)
        if all(pred(v) for (_, pred), v in zip(rule, values, strict=True))
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_and_inputs())
def test_first_equals_the_first_match_of_a_brute_force_evaluation(case):
    width, rules, values = case
    table = _build(width, rules, "FIRST")
    ctx = {f"x{i}": v for i, v in enumerate(values)}
    expected = _brute_force(rules, values)
    if not expected:
        with pytest.raises(DecisionNoMatch):
            evaluate_table(table, ctx)
        return
    outcome = evaluate_table(table, ctx)
    assert outcome.outputs == {"r": expected[0]}
    assert [r.index for r in outcome.matched] == [expected[0]]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_and_inputs())
def test_rule_order_returns_every_brute_force_match(case):
    width, rules, values = case
    table = _build(width, rules, "RULE ORDER")
    outcome = evaluate_table(table, {f"x{i}": v for i, v in enumerate(values)})
    expected = _brute_force(rules, values)
    assert outcome.outputs == [{"r": n} for n in expected]


@st.composite
def narrow_tables(draw):
    width = draw(st.integers(min_value=1, max_value=2))
    rules = draw(st.lists(st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=6))
    return width, rules


def _grid(width):
    """Integers and the halves between them: every boundary is an integer, so this samples every segment."""
    import itertools
    from decimal import Decimal

    return itertools.product([Decimal(k) / 2 for k in range(-14, 36)], repeat=width)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(narrow_tables())
def test_verifier_agrees_with_brute_force_on_overlaps_and_unreachable_rules(case):
    from decisions.engine.verifier import verify

    width, rules = case
    hits = [_brute_force(rules, values) for values in _grid(width)]
    unique = _build(width, rules, "UNIQUE")
    reported = {tuple(f.rules) for f in verify(unique) if f.kind == "overlap"}
    actual = {(a, b) for h in hits for a in h for b in h if a < b}
    assert reported == actual
    first = _build(width, rules, "FIRST")
    unreachable = {f.rules[0] for f in verify(first) if f.kind == "unreachable"}
    reached = {h[0] for h in hits if h}
    matchable = {n for h in hits for n in h}
    assert unreachable == matchable - reached


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(narrow_tables(), st.lists(st.integers(min_value=0, max_value=2), min_size=6, max_size=6))
def test_priority_outranked_rules_agree_with_brute_force(case, priorities):
    from decisions.engine.verifier import verify

    width, rules = case
    levels = ['"HIGH"', '"MID"', '"LOW"']
    xml = dmn_xml(
        "p",
        hit_policy="PRIORITY",
        inputs=[(f"x{i}", "number") for i in range(width)],
        outputs=[("r", "string")],
        output_values={"r": ",".join(levels)},
        rules=[([c[0] for c in rule], [levels[priorities[n]]]) for n, rule in enumerate(rules)],
    )
    table = load_bytes(xml.encode())[0]
    chosen, matchable = set(), set()
    for values in _grid(width):
        hits = _brute_force(rules, values)
        matchable |= set(hits)
        if hits:
            chosen.add(min(hits, key=lambda n: (priorities[n - 1], n)))
    reported = {f.rules[0] for f in verify(table) if f.kind == "unreachable"}
    assert reported == matchable - chosen
