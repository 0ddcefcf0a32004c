"""The restricted expression language for gateway conditions, scripts, timer and parameter expressions
(流程表达式).

Model files never reach Python's ``eval``/``exec``. Source text is parsed with :mod:`ast`, every node is checked
against a whitelist, and a small tree-walking interpreter runs what is left. Model authors get: literals,
variables, arithmetic, comparisons, ``and``/``or``/``not``, ``in``, conditional expressions, subscripts, list/dict
comprehensions, a handful of safe methods on strings, dicts, lists and dates, and the functions in
:data:`FUNCTIONS`. Scripts may also assign (``x = ...``, ``x["k"] = ...``, ``x += ...``), use ``if`` and ``for``
over a finite collection. Names starting with ``_`` do not exist.
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable, Iterable
from typing import Any

from .expression_library import FUNCTIONS, SAFE_ATTRIBUTES, SAFE_METHODS, ExpressionError

MAX_ITERATIONS = 10_000
MAX_SEQUENCE = 100_000
MAX_EXPONENT = 64
MAX_STEPS = 1_000_000  # nodes evaluated per expression/script run

__all__ = ["FUNCTIONS", "ExpressionError", "evaluate", "execute", "parse_expression", "parse_script"]

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}

_EXPRESSION_NODES: tuple[type, ...] = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Store, ast.BinOp, ast.UnaryOp, ast.BoolOp,
    ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Attribute, ast.Subscript, ast.Slice, ast.List, ast.Tuple,
    ast.Dict, ast.Set, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension,
    ast.JoinedStr, ast.FormattedValue, ast.And, ast.Or,
    *_BINOPS, *_UNARY, *_COMPARE,
)
_STATEMENT_NODES: tuple[type, ...] = (
    ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.Expr, ast.Pass,
)


def _reject(node: ast.AST, what: str) -> ExpressionError:
    return ExpressionError(f"表达式不允许使用 {what}", line=getattr(node, "lineno", None))


def _check(tree: ast.AST, allowed: tuple[type, ...]) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise _reject(node, type(node).__name__)
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise _reject(node, f"以下划线开头的名称 {node.id}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise _reject(node, f"属性 {node.attr}")
        if isinstance(node, ast.Call) and not isinstance(node.func, ast.Name | ast.Attribute):
            raise _reject(node, "这种函数调用")
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            raise _reject(node, "格式说明符")
        if isinstance(node, ast.Assign | ast.For | ast.comprehension):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                _check_target(target)


def _check_target(target: ast.AST) -> None:
    if isinstance(target, ast.Tuple):
        for element in target.elts:
            _check_target(element)
    elif not isinstance(target, ast.Name | ast.Subscript):
        raise _reject(target, "这种赋值目标")


@functools.lru_cache(maxsize=4096)
def parse_expression(source: str) -> ast.Expression:
    """Parse and check an expression; raises :class:`ExpressionError` naming the problem."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"表达式语法错误：{exc.msg}", line=exc.lineno) from None
    _check(tree, _EXPRESSION_NODES)
    return tree


@functools.lru_cache(maxsize=1024)
def parse_script(source: str) -> ast.Module:
    """Parse and check a script (statements)."""
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as exc:
        raise ExpressionError(f"脚本语法错误：{exc.msg}", line=exc.lineno) from None
    _check(tree, _EXPRESSION_NODES + _STATEMENT_NODES)
    return tree


def evaluate(source: str, variables: dict[str, Any]) -> Any:
    """Evaluate an expression against ``variables`` (read-only)."""
    return _Interpreter(variables).eval(parse_expression(source).body)


def execute(source: str, variables: dict[str, Any]) -> None:
    """Run a script; assignments update ``variables`` in place."""
    interpreter = _Interpreter(variables)
    for statement in parse_script(source).body:
        interpreter.exec(statement)


class _Interpreter:
    def __init__(self, variables: dict[str, Any]):
        self.variables = variables
        self.scopes: list[dict[str, Any]] = []
        self.steps = 0

    # -- statements ---------------------------------------------------------------------------------------
    def exec(self, node: ast.stmt) -> None:
        try:
            self._exec(node)
        except ExpressionError:
            raise
        except Exception as exc:
            raise ExpressionError(f"第 {node.lineno} 行执行出错：{exc}", line=node.lineno) from exc

    def _exec(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Expr):
            self.eval(node.value)
        elif isinstance(node, ast.Assign):
            value = self.eval(node.value)
            for target in node.targets:
                self._assign(target, value)
        elif isinstance(node, ast.AugAssign):
            current = self.eval(node.target)
            self._assign(node.target, self._binop(node.op, current, self.eval(node.value)))
        elif isinstance(node, ast.If):
            for statement in node.body if self.eval(node.test) else node.orelse:
                self._exec(statement)
        elif isinstance(node, ast.For):
            for count, item in enumerate(self.eval(node.iter)):
                if count >= MAX_ITERATIONS:
                    raise ExpressionError("循环次数过多", line=node.lineno)
                self._assign(node.target, item)
                for statement in node.body:
                    self._exec(statement)
        elif not isinstance(node, ast.Pass):
            raise _reject(node, type(node).__name__)

    def _assign(self, target: ast.AST, value: Any) -> None:
        if isinstance(target, ast.Name):
            (self.scopes[-1] if self.scopes else self.variables)[target.id] = value
        elif isinstance(target, ast.Subscript):
            container = self.eval(target.value)
            if not isinstance(container, dict | list):
                raise ExpressionError("只能给字典或列表的元素赋值", line=target.lineno)
            container[self.eval(target.slice)] = value
        elif isinstance(target, ast.Tuple):
            values = list(value)
            if len(values) != len(target.elts):
                raise ExpressionError("解包的数量不一致", line=target.lineno)
            for element, item in zip(target.elts, values, strict=True):
                self._assign(element, item)

    # -- expressions --------------------------------------------------------------------------------------
    def eval(self, node: ast.AST) -> Any:  # noqa: C901 - one branch per node type reads best
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ExpressionError("表达式计算量过大", line=getattr(node, "lineno", None))
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self._lookup(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node.op, self.eval(node.left), self.eval(node.right))
        if isinstance(node, ast.UnaryOp):
            return _UNARY[type(node.op)](self.eval(node.operand))
        if isinstance(node, ast.BoolOp):
            return self._boolop(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.IfExp):
            return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Attribute):
            return self._attribute(self.eval(node.value), node.attr, node, call=False)
        if isinstance(node, ast.Subscript):
            return self.eval(node.value)[self.eval(node.slice)]
        if isinstance(node, ast.Slice):
            return slice(*(self.eval(p) if p is not None else None for p in (node.lower, node.upper, node.step)))
        if isinstance(node, ast.List):
            return [self.eval(e) for e in node.elts]
        if isinstance(node, ast.Tuple):
            return tuple(self.eval(e) for e in node.elts)
        if isinstance(node, ast.Set):
            return {self.eval(e) for e in node.elts}
        if isinstance(node, ast.Dict):
            if any(k is None for k in node.keys):
                raise _reject(node, "字典解包")
            return {self.eval(k): self.eval(v) for k, v in zip(node.keys, node.values, strict=True)}  # type: ignore[arg-type]
        if isinstance(node, ast.ListComp | ast.GeneratorExp):
            return list(self._comprehension(node.generators, lambda: self.eval(node.elt)))
        if isinstance(node, ast.SetComp):
            return set(self._comprehension(node.generators, lambda: self.eval(node.elt)))
        if isinstance(node, ast.DictComp):
            return dict(self._comprehension(node.generators, lambda: (self.eval(node.key), self.eval(node.value))))
        if isinstance(node, ast.JoinedStr):
            return "".join(str(self.eval(v.value if isinstance(v, ast.FormattedValue) else v)) for v in node.values)
        raise _reject(node, type(node).__name__)

    def _lookup(self, node: ast.Name) -> Any:
        for scope in reversed(self.scopes):
            if node.id in scope:
                return scope[node.id]
        if node.id in self.variables:
            return self.variables[node.id]
        if node.id in FUNCTIONS:
            return FUNCTIONS[node.id]
        raise ExpressionError(f"变量 {node.id} 未定义", line=node.lineno)

    def _binop(self, op: ast.operator, left: Any, right: Any) -> Any:
        if isinstance(op, ast.Pow) and (not isinstance(right, int | float) or abs(right) > MAX_EXPONENT):
            raise ExpressionError("乘方的指数过大")
        if isinstance(op, ast.Mult) and (isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple)):
            sequence, times = (left, right) if isinstance(left, str | list | tuple) else (right, left)
            if isinstance(times, int) and len(sequence) * times > MAX_SEQUENCE:
                raise ExpressionError("结果过长")
        result = _BINOPS[type(op)](left, right)
        if isinstance(result, str | list | tuple) and len(result) > MAX_SEQUENCE * 10:
            raise ExpressionError("结果过长")
        return result

    def _boolop(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.eval(operand)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def _compare(self, node: ast.Compare) -> bool:
        left = self.eval(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.eval(comparator)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def _call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Attribute):
            function = self._attribute(self.eval(node.func.value), node.func.attr, node, call=True)
        elif isinstance(node.func, ast.Name):
            function = self._lookup(node.func)
            if function is not FUNCTIONS.get(node.func.id):
                raise ExpressionError(f"{node.func.id} 不是可调用的函数", line=node.lineno)
        else:
            raise _reject(node, "这种函数调用")
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise _reject(node, "参数解包")
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords if k.arg}
        return function(*args, **kwargs)

    @staticmethod
    def _attribute(receiver: Any, name: str, node: ast.AST, *, call: bool) -> Any:
        table = SAFE_METHODS if call else SAFE_ATTRIBUTES
        if name in table.get(type(receiver), frozenset()):
            return getattr(receiver, name)
        raise ExpressionError(f"不允许访问 {type(receiver).__name__}.{name}", line=getattr(node, "lineno", None))

    def _comprehension(self, generators: list[ast.comprehension], element: Callable[[], Any]) -> Iterable[Any]:
        self.scopes.append({})
        try:
            yield from self._generate(generators, element, [0])
        finally:
            self.scopes.pop()

    def _generate(self, generators: list[ast.comprehension], element: Callable[[], Any], counter: list[int]):
        first, rest = generators[0], generators[1:]
        for item in self.eval(first.iter):
            counter[0] += 1
            if counter[0] > MAX_ITERATIONS:
                raise ExpressionError("循环次数过多")
            self._assign(first.target, item)
            if all(self.eval(condition) for condition in first.ifs):
                if rest:
                    yield from self._generate(rest, element, counter)
                else:
                    yield element()
