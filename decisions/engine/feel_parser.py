"""Recursive-descent parser for the FEEL subset: simple expressions and unary tests. Never Python ``eval``.

Supported (see docs/decisions.md): literals (numbers, strings, ``true``/``false``/``null``, ``date("…")``),
names and field paths (``a.b``), arithmetic ``+ - * / **``, comparisons ``= != < <= > >=``, ``and``/``or``,
``between … and …``, ``x in <unary tests>``, ``if … then … else …``, calls of the built-in functions and list
literals ``[a, b]``. Unary tests: ``-``, literals and expressions (equality), ``< 10``, ranges ``[1..5]``,
``(0..100]``, ``]0..1[``, comma lists, ``not(...)``, ``null``, and boolean expressions over ``?``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from .errors import FeelSyntaxError
from .feel_ast import (
    ANY,
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
    names_in,
)
from .feel_lexer import Token, tokenize

FUNCTIONS = frozenset(
    {
        "date",
        "date and time",
        "number",
        "string",
        "abs",
        "floor",
        "ceiling",
        "min",
        "max",
        "sum",
        "count",
        "not",
        "contains",
        "starts with",
        "ends with",
        "string length",
        "upper case",
        "lower case",
        "today",
        "is_working_day",
        "add_working_days",
        "working_days_between",
    }
)
COMPARATORS = ("<=", ">=", "!=", "<", ">", "=")


def _number(text: str) -> int | Decimal:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() and "." not in text else value


class Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- token helpers --
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def at(self, kind: str, value: str | None = None) -> bool:
        return self.tok.kind == kind and (value is None or self.tok.value == value)

    def take(self) -> Token:
        token = self.tok
        self.i += 1
        return token

    def expect(self, kind: str, value: str) -> Token:
        if not self.at(kind, value):
            self.fail(f"此处应为 “{value}”")
        return self.take()

    def fail(self, message: str) -> None:
        found = self.tok.value or "结尾"
        raise FeelSyntaxError(f"{message}，实际为 “{found}”", text=self.text, position=self.tok.pos)

    def done(self) -> None:
        if not self.at("end"):
            self.fail("无法理解的多余内容")

    # -- expressions (lowest precedence first) --
    def expression(self) -> Expr:
        if self.at("keyword", "if"):
            self.take()
            cond = self.expression()
            self.expect("keyword", "then")
            then = self.expression()
            self.expect("keyword", "else")
            return If(cond, then, self.expression())
        return self.disjunction()

    def disjunction(self) -> Expr:
        left = self.conjunction()
        while self.at("keyword", "or"):
            self.take()
            left = Binary("or", left, self.conjunction())
        return left

    def conjunction(self) -> Expr:
        left = self.comparison()
        while self.at("keyword", "and"):
            self.take()
            left = Binary("and", left, self.comparison())
        return left

    def comparison(self) -> Expr:
        left = self.additive()
        if self.tok.kind == "op" and self.tok.value in COMPARATORS:
            op = self.take().value
            return Binary(op, left, self.additive())
        if self.at("keyword", "between"):
            self.take()
            low = self.additive()
            self.expect("keyword", "and")
            return Between(left, low, self.additive())
        if self.at("keyword", "in"):
            self.take()
            if self.at("op", "("):
                save = self.i
                self.take()
                tests = self.positive_tests()
                if self.at("op", ")"):
                    self.take()
                    return In(left, UnaryTests(tests))
                self.i = save
            return In(left, UnaryTests((self.positive_test(),)))
        return left

    def additive(self) -> Expr:
        left = self.multiplicative()
        while self.tok.kind == "op" and self.tok.value in ("+", "-"):
            op = self.take().value
            left = Binary(op, left, self.multiplicative())
        return left

    def multiplicative(self) -> Expr:
        left = self.power()
        while self.tok.kind == "op" and self.tok.value in ("*", "/"):
            op = self.take().value
            left = Binary(op, left, self.power())
        return left

    def power(self) -> Expr:
        left = self.unary()
        if self.at("op", "**"):
            self.take()
            return Binary("**", left, self.power())
        return left

    def unary(self) -> Expr:
        if self.at("op", "-"):
            self.take()
            operand = self.unary()
            if isinstance(operand, Lit) and isinstance(operand.value, int | Decimal):
                return Lit(-operand.value)
            return Neg(operand)
        return self.postfix()

    def postfix(self) -> Expr:
        node = self.primary()
        while self.at("op", "."):
            self.take()
            if self.tok.kind not in ("name", "keyword"):
                self.fail("“.” 后应为字段名")
            node = Path(node, self.take().value)
        return node

    def primary(self) -> Expr:
        tok = self.tok
        if tok.kind == "number":
            self.take()
            return Lit(_number(tok.value))
        if tok.kind == "string":
            self.take()
            return Lit(tok.value)
        if tok.kind == "keyword" and tok.value in ("true", "false", "null"):
            self.take()
            return Lit({"true": True, "false": False, "null": None}[tok.value])
        if tok.kind == "keyword" and tok.value == "not" and self.peek().value == "(":
            self.take()
            return self.call("not")
        if tok.kind == "op" and tok.value == "?":
            self.take()
            return InputRef()
        if tok.kind == "op" and tok.value == "(":
            self.take()
            inner = self.expression()
            self.expect("op", ")")
            return inner
        if tok.kind == "op" and tok.value == "[":
            return self.list_literal()
        if tok.kind == "name":
            return self.name_or_call()
        self.fail("此处应为数值、字符串、名称或括号表达式")
        raise AssertionError  # unreachable

    def name_or_call(self) -> Expr:
        # FEEL names of built-ins may contain spaces ("date and time", "string length", "starts with").
        for words in _MULTIWORD:
            ahead = [self.peek(k) for k in range(len(words) + 1)]
            if [t.value for t in ahead[:-1]] == list(words) and ahead[-1].value == "(":
                self.i += len(words)
                return self.call(" ".join(words))
        name = self.take().value
        if self.at("op", "("):
            if name not in FUNCTIONS:
                self.fail(f"不支持的函数 {name}")
            return self.call(name)
        return Name(name)

    def call(self, function: str) -> Expr:
        self.expect("op", "(")
        args: list[Expr] = []
        if not self.at("op", ")"):
            args.append(self.expression())
            while self.at("op", ","):
                self.take()
                args.append(self.expression())
        self.expect("op", ")")
        return _fold_call(function, tuple(args), self)

    def list_literal(self) -> Expr:
        self.expect("op", "[")
        items: list[Expr] = []
        if not self.at("op", "]"):
            items.append(self.expression())
            while self.at("op", ","):
                self.take()
                items.append(self.expression())
        self.expect("op", "]")
        return ListExpr(tuple(items))

    # -- unary tests --
    def unary_tests(self) -> UnaryTests:
        if self.at("op", "-") and self.peek().kind == "end":
            return ANY
        if self.at("keyword", "not") and self.peek().value == "(":
            self.take()
            self.take()
            tests = self.positive_tests()
            self.expect("op", ")")
            self.done()
            return UnaryTests(tests, negated=True)
        tests = self.positive_tests()
        self.done()
        return UnaryTests(tests)

    def positive_tests(self) -> tuple[PositiveTest, ...]:
        tests = [self.positive_test()]
        while self.at("op", ","):
            self.take()
            tests.append(self.positive_test())
        return tuple(tests)

    def positive_test(self) -> PositiveTest:
        tok = self.tok
        if tok.kind == "op" and tok.value in COMPARATORS:
            self.take()
            return Compare(tok.value, self.additive())
        if tok.kind == "op" and tok.value in ("[", "(", "]"):
            save = self.i
            self.take()
            low = self.additive()
            if self.at("op", ".."):
                self.take()
                high = self.additive()
                if not (self.tok.kind == "op" and self.tok.value in ("]", ")", "[")):
                    self.fail("区间应以 “]”、“)” 或 “[” 结束")
                close = self.take().value
                return Interval(tok.value == "[", low, high, close == "]")
            self.i = save
        expr = self.expression()
        if InputRef() in _nodes(expr):
            return BoolTest(expr)
        return Compare("=", expr)


_MULTIWORD = tuple(tuple(f.split(" ")) for f in sorted(FUNCTIONS, key=len, reverse=True) if " " in f)


def _nodes(expr: object) -> list[object]:
    out: list[object] = [expr]
    for slot in getattr(expr, "__slots__", ()):
        value = getattr(expr, slot)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, Expr):
                out.extend(_nodes(item))
    return out


def _fold_call(function: str, args: tuple[Expr, ...], parser: Parser) -> Expr:
    """Turn ``date("2026-01-01")`` and ``date and time("…")`` with literal text into literals (checked now)."""
    if function in ("date", "date and time") and len(args) == 1 and isinstance(args[0], Lit):
        raw = args[0].value
        try:
            if not isinstance(raw, str):
                raise ValueError(raw)
            value = dt.date.fromisoformat(raw) if function == "date" else dt.datetime.fromisoformat(raw)
        except ValueError:
            parser.fail(f"{function} 的参数不是有效的日期（应为 YYYY-MM-DD）")
        return Lit(value)
    if (
        function == "number"
        and len(args) == 1
        and isinstance(args[0], Lit)
        and isinstance(args[0].value, str)
    ):
        try:
            return Lit(_number(args[0].value))
        except InvalidOperation:
            parser.fail("number 的参数不是数值")
    return Call(function, args)


def parse_expression(text: str) -> Expr:
    """Parse a simple FEEL expression (input expression, output entry, default output)."""
    parser = Parser(text)
    if parser.at("end"):
        return Lit(None)
    expr = parser.expression()
    parser.done()
    return expr


def parse_unary_tests(text: str) -> UnaryTests:
    """Parse an input entry; an empty cell means ``-`` (any value)."""
    if not text.strip() or text.strip() == "-":
        return ANY
    return Parser(text).unary_tests()


__all__ = ["FUNCTIONS", "names_in", "parse_expression", "parse_unary_tests"]
