"""FEEL subset: unary tests and simple expressions, good and bad (parser + compiled closures, no eval)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from decisions.engine.errors import DecisionLoadError, FeelSyntaxError
from decisions.engine.feel_compile import compile_expr, compile_tests
from decisions.engine.feel_parser import parse_expression, parse_unary_tests


def cell_result(text: str, value, ctx=None):
    return compile_tests(parse_unary_tests(text))(value, ctx or {})


def expr(text: str, **ctx):
    return compile_expr(parse_expression(text))(ctx)


@pytest.mark.parametrize(
    ("cell", "value", "expected"),
    [
        ("-", None, True),
        ("", 5, True),
        ("5", 5, True),
        ("5", Decimal("5.0"), True),
        ("5", True, None),  # a boolean is not the number 1
        ("< 10", 9, True),
        ("< 10", 10, False),
        (">= 3", 3, True),
        ("<= -1.5", Decimal("-2"), True),
        ("!= 3", 4, True),
        ("< 10", "9", None),  # different types never match
        ("< 10", None, None),
        ("[1..5]", 1, True),
        ("[1..5]", 5, True),
        ("(1..5]", 1, False),
        ("[1..5)", 5, False),
        ("]1..5[", 3, True),
        ("]1..5[", 5, False),
        ('"A","B"', "B", True),
        ('"A","B"', "C", False),
        ('not("A","B")', "C", True),
        ('not("A","B")', "A", False),
        ("not(< 10)", 12, True),
        ("null", None, True),
        ("null", 0, False),
        ("not(null)", 0, True),
        ("true", True, True),
        ("false", True, False),
        ('date("2026-01-01")', dt.date(2026, 1, 1), True),
        ('[date("2026-10-01")..date("2026-10-08")]', dt.date(2026, 10, 8), True),
        ('> date("2026-10-08")', dt.date(2026, 10, 8), False),
        ('"上海","北京"', "上海", True),
        ('"say \\"hi\\""', 'say "hi"', True),
        ("[1..5], > 100", 200, True),
        ("? > 5 and ? < 9", 7, True),
        ("? > 5 and ? < 9", 9, False),
        ('contains(?, "建筑")', "建筑施工", True),
        ("> limit", 11, True),
        ("[low..high]", 11, False),
    ],
)
def test_unary_tests(cell, value, expected):
    assert cell_result(cell, value, {"limit": 10, "low": 1, "high": 10}) is expected


@pytest.mark.parametrize(
    ("text", "ctx", "expected"),
    [
        ("1 + 2 * 3", {}, 7),
        ("(1 + 2) * 3", {}, 9),
        ("10 / 4", {}, Decimal("2.5")),
        ("2 ** 10", {}, 1024),
        ("-x + 1", {"x": 3}, -2),
        ("0.1 + 0.2 = 0.3", {}, True),
        ("a.b.c", {"a": {"b": {"c": 42}}}, 42),
        ("a.missing", {"a": {}}, None),
        ("x > 3 and y", {"x": 5, "y": True}, True),
        ("x > 3 or null", {"x": 5}, True),
        ("null and false", {}, False),
        ("x > 3 and null", {"x": 5}, None),
        ("1 / 0", {}, None),
        ('"a" + 1', {}, None),
        ('"建" + "管"', {}, "建管"),
        ("x between 1 and 10", {"x": 10}, True),
        ("x in [1..10]", {"x": 11}, False),
        ('x in ("A","B")', {"x": "A"}, True),
        ('if x > 1 then "多" else "少"', {"x": 2}, "多"),
        ("not(x)", {"x": False}, True),
        ('date("2026-10-01") < date("2026-10-02")', {}, True),
        ("date(2026, 2, 29)", {}, None),
        ("string length(name)", {"name": "建管平台"}, 4),
        ('upper case("qt40")', {}, "QT40"),
        ('starts with("QTZ25", "QTZ")', {}, True),
        ("max(3, 9, 4)", {}, 9),
        ("sum([1, 2, 3])", {}, 6),
        ("count([1, 2, 3])", {}, 3),
        ("abs(-5)", {}, 5),
        ("floor(2.7)", {}, 2),
        ("unknown_variable", {}, None),
        ("x", {"x": 0.6}, Decimal("0.6")),
        ('date and time("2026-01-01T08:00:00")', {}, dt.datetime(2026, 1, 1, 8)),
    ],
)
def test_expressions(text, ctx, expected):
    assert expr(text, **ctx) == expected
    assert type(expr(text, **ctx)) is type(expected)


def test_working_day_functions_are_available_to_feel():
    assert expr('add_working_days(date("2025-09-30"), 1)') == dt.date(2025, 10, 9)
    assert expr('working_days_between(date("2025-09-30"), date("2025-10-09"))') == 1
    assert expr('is_working_day(date("2025-10-11"))') is True
    assert expr("is_working_day(5)") is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("< ", "此处应为数值"),
        ("[1..5", "区间应以"),
        ('"unterminated', "缺少结束的双引号"),
        ("1 +", "此处应为数值"),
        ("x ; y", "无法识别的字符"),
        ('__import__("os")', "不支持的函数 __import__"),
        ('eval("1")', "不支持的函数 eval"),
        ("not(1", "此处应为 “)”"),
        ("a.", "“.” 后应为字段名"),
        ("5 5", "多余内容"),
        ('date("2026-13-01")', "不是有效的日期"),
        ("x @ 1", "无法识别的字符"),
        ("{a: 1}", "此处应为数值"),
        ('"\\q"', "转义符"),
    ],
)
def test_bad_syntax_is_refused_with_the_reason_and_position(text, reason):
    with pytest.raises(FeelSyntaxError) as exc:
        compile_tests(parse_unary_tests(text))
    assert reason in exc.value.message
    assert text.strip() in exc.value.message


def test_wrong_argument_count_is_refused():
    with pytest.raises(FeelSyntaxError, match="参数个数"):
        compile_expr(parse_expression("abs(1, 2)"))


def test_a_bad_cell_is_refused_at_load_naming_file_decision_rule_and_cell(tables):
    with pytest.raises(DecisionLoadError) as exc:
        from decisions.authoring import dmn_xml
        from decisions.engine.loader import load_bytes

        xml = dmn_xml(
            "d",
            inputs=[("age", "number", "年龄")],
            outputs=[("y", "string")],
            rules=[(["> 1"], ['"a"']), (["[1..5"], ['"b"'])],
        )
        load_bytes(xml.encode(), file="enterprises/d.dmn")
    message = exc.value.message
    for part in ("enterprises/d.dmn", "决策 d", "规则 2（rule_2）", "输入列 1（年龄）", "区间应以"):
        assert part in message


def test_the_registry_leaves_a_broken_file_out_and_reports_it(tables):
    tables.add("good", inputs=[("x", "number")], outputs=[("y", "number")], rules=[(["1"], ["2"])])
    tables.add("bad", inputs=[("x", "number")], outputs=[("y", "number")], rules=[(["1"], ["2 +"])])
    assert tables.registry.exists("good") and not tables.registry.exists("bad")
    assert "输出列 1（y）" in tables.registry.errors["tables/bad.dmn"]


@pytest.mark.parametrize(
    ("text", "ctx"),
    [
        ("x * x * x", {"x": Decimal("1E+500000")}),
        ("floor(x)", {"x": float("inf")}),
        ("date(2026, 13, 1)", {}),
        ("2 ** x", {"x": Decimal("0.5")}),
        ("abs(x)", {"x": "a"}),
    ],
)
def test_arithmetic_that_cannot_compute_is_null_not_an_exception(text, ctx):
    assert expr(text, **ctx) is None
