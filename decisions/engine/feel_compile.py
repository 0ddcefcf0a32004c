"""Compile FEEL ASTs into closures (evaluated many times, parsed once). Never Python ``eval``.

An expression compiles to ``f(ctx) -> value``; unary tests compile to ``t(value, ctx) -> True | False | None``
(a rule's cell matches only on ``True``, FEEL's three-valued logic).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import FeelSyntaxError
from .feel_ast import (
    Between,
    Binary,
    BoolTest,
    Call,
    Compare,
    Expr,
    If,
    In,
    InputRef,
    Interval,
    ListExpr,
    Lit,
    Name,
    Neg,
    Path,
    PositiveTest,
    UnaryTests,
)
from .feel_builtins import ARITY, BUILTINS
from .feel_values import (
    NUMBER_TYPES,
    arithmetic,
    compare,
    equal,
    kind,
    logical_and,
    logical_or,
    normalize,
    truth,
)

ExprFn = Callable[[dict[str, Any]], Any]
TestFn = Callable[[Any, dict[str, Any]], "bool | None"]
INPUT_KEY = "?"


def compile_expr(node: Expr) -> ExprFn:
    if isinstance(node, Lit):
        value = node.value
        return lambda ctx: value
    if isinstance(node, Name):
        name = node.name
        return lambda ctx: normalize(ctx.get(name))
    if isinstance(node, InputRef):
        return lambda ctx: ctx.get(INPUT_KEY)
    if isinstance(node, Path):
        return _compile_path(node)
    if isinstance(node, Neg):
        operand = compile_expr(node.operand)
        return lambda ctx: arithmetic("-", 0, operand(ctx))
    if isinstance(node, Binary):
        return _compile_binary(node)
    if isinstance(node, Between):
        value, low, high = compile_expr(node.value), compile_expr(node.low), compile_expr(node.high)
        return lambda ctx: logical_and(
            compare(">=", value(ctx), low(ctx)), compare("<=", value(ctx), high(ctx))
        )
    if isinstance(node, In):
        value_fn, test = compile_expr(node.value), compile_tests(node.tests)
        return lambda ctx: test(value_fn(ctx), ctx)
    if isinstance(node, If):
        cond, then, otherwise = compile_expr(node.cond), compile_expr(node.then), compile_expr(node.otherwise)
        return lambda ctx: then(ctx) if truth(cond(ctx)) is True else otherwise(ctx)
    if isinstance(node, Call):
        return _compile_call(node)
    if isinstance(node, ListExpr):
        items = [compile_expr(i) for i in node.items]
        return lambda ctx: [i(ctx) for i in items]
    raise FeelSyntaxError(f"不支持的表达式 {type(node).__name__}")


def _compile_path(node: Path) -> ExprFn:
    base, attr = compile_expr(node.base), node.attr

    def get(ctx: dict[str, Any]) -> Any:
        container = base(ctx)
        if isinstance(container, dict):
            return normalize(container.get(attr))
        if isinstance(container, list):
            return [normalize(c.get(attr)) if isinstance(c, dict) else None for c in container]
        return None

    return get


def _compile_binary(node: Binary) -> ExprFn:
    left, right, op = compile_expr(node.left), compile_expr(node.right), node.op
    if op == "and":
        return lambda ctx: logical_and(left(ctx), right(ctx))
    if op == "or":
        return lambda ctx: logical_or(left(ctx), right(ctx))
    if op == "=":
        return lambda ctx: equal(left(ctx), right(ctx))
    if op == "!=":
        return lambda ctx: _negate(equal(left(ctx), right(ctx)))
    if op in ("<", "<=", ">", ">="):
        return lambda ctx: compare(op, left(ctx), right(ctx))
    return lambda ctx: arithmetic(op, left(ctx), right(ctx))


def _negate(value: bool | None) -> bool | None:
    return None if value is None else not value


def _compile_call(node: Call) -> ExprFn:
    function = BUILTINS.get(node.function)
    low, high = ARITY.get(node.function, (0, 0))
    if function is None:
        raise FeelSyntaxError(f"不支持的函数 {node.function}")
    if not low <= len(node.args) <= high:
        raise FeelSyntaxError(f"函数 {node.function} 的参数个数不对（{len(node.args)} 个）")
    args = [compile_expr(a) for a in node.args]

    def call(ctx: dict[str, Any]) -> Any:
        try:
            return function(*[a(ctx) for a in args])
        except (ArithmeticError, ValueError, TypeError):  # FEEL: a function that cannot compute gives null
            return None

    return call


# -- unary tests -------------------------------------------------------------------------------------------
def compile_tests(tests: UnaryTests) -> TestFn:
    """``t(value, ctx)``: True when the input value satisfies the cell."""
    if tests.is_any:
        return lambda value, ctx: True
    parts = [compile_positive(t) for t in tests.tests]
    if len(parts) == 1:
        positive = parts[0]
    else:

        def positive(value: Any, ctx: dict[str, Any]) -> bool | None:
            unknown = False
            for part in parts:
                result = part(value, ctx)
                if result is True:
                    return True
                if result is None:
                    unknown = True
            return None if unknown else False

    if not tests.negated:
        return positive
    return lambda value, ctx: _negate(positive(value, ctx))


def compile_positive(test: PositiveTest) -> TestFn:
    if isinstance(test, Compare):
        return _compile_compare(test)
    if isinstance(test, Interval):
        return _compile_interval(test)
    if isinstance(test, BoolTest):
        expr = compile_expr(test.expr)

        def check(value: Any, ctx: dict[str, Any]) -> bool | None:
            return truth(expr({**ctx, INPUT_KEY: value}))

        return check
    raise FeelSyntaxError(f"不支持的一元测试 {type(test).__name__}")


def _compile_compare(test: Compare) -> TestFn:
    op = test.op
    if isinstance(test.endpoint, Lit):
        return _literal_compare(op, test.endpoint.value)
    endpoint = compile_expr(test.endpoint)
    if op == "=":
        return lambda value, ctx: _equals_or_member(value, endpoint(ctx))
    if op == "!=":
        return lambda value, ctx: _negate(equal(value, endpoint(ctx)))
    return lambda value, ctx: compare(op, value, endpoint(ctx))


def _equals_or_member(value: Any, target: Any) -> bool | None:
    """An expression used as a test: equal to it, or (for a list) one of it (DMN 1.3 §10.3.2.9.1)."""
    if isinstance(target, list) and not isinstance(value, list):
        return any(equal(value, t) is True for t in target)
    if type(target) is bool and kind(value) != "boolean":
        return target
    return equal(value, target)


def _literal_compare(op: str, constant: Any) -> TestFn:
    """Fast paths for the common case: a comparison with a literal."""
    if isinstance(constant, NUMBER_TYPES) and type(constant) is not bool and op in ("<", "<=", ">", ">="):
        if op == "<":
            return lambda v, ctx: (v < constant) if type(v) in _NUM else None
        if op == "<=":
            return lambda v, ctx: (v <= constant) if type(v) in _NUM else None
        if op == ">":
            return lambda v, ctx: (v > constant) if type(v) in _NUM else None
        return lambda v, ctx: (v >= constant) if type(v) in _NUM else None
    if op == "=":
        return lambda v, ctx: equal(v, constant)
    if op == "!=":
        return lambda v, ctx: _negate(equal(v, constant))
    return lambda v, ctx: compare(op, v, constant)


_NUM = frozenset(NUMBER_TYPES)


def _compile_interval(test: Interval) -> TestFn:
    low, high = compile_expr(test.low), compile_expr(test.high)
    low_op = ">=" if test.low_closed else ">"
    high_op = "<=" if test.high_closed else "<"
    if isinstance(test.low, Lit) and isinstance(test.high, Lit):
        lo, hi = test.low.value, test.high.value
        if kind(lo) == kind(hi) == "number":
            lc, hc = test.low_closed, test.high_closed

            def numeric(v: Any, ctx: dict[str, Any]) -> bool | None:
                if type(v) not in _NUM:
                    return None
                return (v >= lo if lc else v > lo) and (v <= hi if hc else v < hi)

            return numeric
    return lambda v, ctx: logical_and(compare(low_op, v, low(ctx)), compare(high_op, v, high(ctx)))
