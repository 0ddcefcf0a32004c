"""AST of the FEEL subset: expressions and unary tests (DMN 1.3 §10.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Expr:
    """Base of expression nodes."""


@dataclass(frozen=True, slots=True)
class Lit(Expr):
    value: Any


@dataclass(frozen=True, slots=True)
class Name(Expr):
    name: str


@dataclass(frozen=True, slots=True)
class InputRef(Expr):
    """``?`` — the input value inside a unary test."""


@dataclass(frozen=True, slots=True)
class Path(Expr):
    base: Expr
    attr: str


@dataclass(frozen=True, slots=True)
class Neg(Expr):
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    op: str  # + - * / ** = != < <= > >= and or
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Between(Expr):
    value: Expr
    low: Expr
    high: Expr


@dataclass(frozen=True, slots=True)
class In(Expr):
    value: Expr
    tests: UnaryTests


@dataclass(frozen=True, slots=True)
class If(Expr):
    cond: Expr
    then: Expr
    otherwise: Expr


@dataclass(frozen=True, slots=True)
class Call(Expr):
    function: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class ListExpr(Expr):
    items: tuple[Expr, ...]


# -- unary tests -------------------------------------------------------------------------------------------
class PositiveTest:
    """Base of one positive unary test."""


@dataclass(frozen=True, slots=True)
class Compare(PositiveTest):
    op: str  # < <= > >= = !=
    endpoint: Expr


@dataclass(frozen=True, slots=True)
class Interval(PositiveTest):
    low_closed: bool
    low: Expr
    high: Expr
    high_closed: bool


@dataclass(frozen=True, slots=True)
class BoolTest(PositiveTest):
    """An expression over ``?`` that must be true (``? > 5 and ? < 9``)."""

    expr: Expr


@dataclass(frozen=True, slots=True)
class UnaryTests:
    """``-`` (any), or positive tests joined by commas, possibly inside ``not(...)``."""

    tests: tuple[PositiveTest, ...]
    negated: bool = False

    @property
    def is_any(self) -> bool:
        return not self.tests and not self.negated


ANY = UnaryTests(())


def names_in(node: object) -> set[str]:
    """Variable names an expression or unary test reads (first segment of paths)."""
    found: set[str] = set()

    def walk(n: object) -> None:
        if isinstance(n, Name):
            found.add(n.name)
        elif isinstance(n, UnaryTests):
            for t in n.tests:
                walk(t)
        elif hasattr(n, "__slots__"):
            for slot in n.__slots__:
                value = getattr(n, slot)
                for item in value if isinstance(value, tuple) else (value,):
                    if isinstance(item, Expr | PositiveTest | UnaryTests):
                        walk(item)

    walk(node)
    return found
