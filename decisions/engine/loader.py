"""Read DMN 1.3 files (also 1.1/1.2 and Camunda ones) into compiled :class:`DecisionTable` objects.

Anything outside the supported subset is refused here, at load time, naming the file, the decision, the rule and
the cell (``DecisionLoadError``), so a table never fails half-way through a case.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import DecisionLoadError, FeelSyntaxError
from .feel_ast import ANY, Compare, Expr, Lit, UnaryTests
from .feel_compile import compile_expr, compile_tests
from .feel_parser import parse_expression, parse_unary_tests
from .matcher import Matcher
from .model import AGGREGATIONS, HIT_POLICIES, DecisionTable, Input, Output, Rule
from .types import KNOWN, family

DMN_NAMESPACES = frozenset(
    {
        "https://www.omg.org/spec/DMN/20191111/MODEL/",  # DMN 1.3
        "http://www.omg.org/spec/DMN/20180521/MODEL/",  # DMN 1.2
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd",  # DMN 1.1 (Camunda 7)
        "https://www.omg.org/spec/DMN/20230324/MODEL/",  # DMN 1.5
        "https://www.omg.org/spec/DMN/20211108/MODEL/",  # DMN 1.4
    }
)
# Extension attribute that declares a table complete (every input combination covered): jg:complete="true".
JG_NAMESPACE = "https://jianguan.example/schema/dmn"
COMPLETE_MARKER = "@complete"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


def _children(node: Any, name: str) -> list[Any]:
    return [c for c in node if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _child(node: Any, name: str) -> Any:
    found = _children(node, name)
    return found[0] if found else None


def _text(node: Any, name: str = "text") -> str:
    child = _child(node, name) if node is not None else None
    return (child.text or "").strip() if child is not None else ""


FEEL_LANGUAGES = frozenset(
    {
        "",
        "feel",
        "https://www.omg.org/spec/DMN/20191111/FEEL/",
        "http://www.omg.org/spec/DMN/20180521/FEEL/",
        "http://www.omg.org/spec/FEEL/20140401",
        "https://www.omg.org/spec/FEEL/20140401",
    }
)


def _check_language(node: Any, where: dict[str, str], cell: str = "") -> None:
    """Only FEEL is evaluated: a cell or file declaring JUEL, JavaScript, Python … is refused."""
    language = (node.get("expressionLanguage") or "").strip() if node is not None else ""
    if language.lower() not in FEEL_LANGUAGES and language not in FEEL_LANGUAGES:
        raise DecisionLoadError(
            f"只支持 FEEL 表达式，不支持 expressionLanguage=“{language}”", cell=cell, **where
        )


def file_version(data: bytes) -> str:
    """The version of a table: the first 12 hex digits of its file's SHA-256."""
    return hashlib.sha256(data).hexdigest()[:12]


def load_file(path: Path, *, display_name: str | None = None) -> list[DecisionTable]:
    data = path.read_bytes()
    return load_bytes(data, file=display_name or path.name)


def load_bytes(data: bytes, *, file: str = "<memory>") -> list[DecisionTable]:
    """Every decision table in one DMN document, compiled (not yet verified)."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DecisionLoadError(f"不是有效的 XML：{exc}", file=file) from exc
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "definitions" or namespace not in DMN_NAMESPACES:
        raise DecisionLoadError("不是 DMN 文件（根元素应为 DMN 1.1–1.5 的 definitions）", file=file)
    _check_language(root, {"file": file})
    version = file_version(data)
    tables = []
    for decision in _children(root, "decision"):
        tables.append(_load_decision(decision, file=file, version=version))
    if not tables:
        raise DecisionLoadError("文件中没有决策（decision）", file=file)
    return tables


def _load_decision(node: Any, *, file: str, version: str) -> DecisionTable:
    decision_id = node.get("id") or ""
    if not decision_id:
        raise DecisionLoadError("决策缺少 id", file=file)
    where = {"file": file, "decision": decision_id}
    table_node = _child(node, "decisionTable")
    if table_node is None:
        raise DecisionLoadError("只支持决策表（decisionTable）形式的决策", **where)
    hit_policy = (table_node.get("hitPolicy") or "UNIQUE").strip().upper()
    aggregation = (table_node.get("aggregation") or "").strip().upper()
    if hit_policy not in HIT_POLICIES:
        raise DecisionLoadError(f"不支持的命中策略 {hit_policy}", **where)
    if aggregation and (hit_policy != "COLLECT" or aggregation not in AGGREGATIONS):
        raise DecisionLoadError(f"聚合 {aggregation} 只能用于 COLLECT（SUM、MIN、MAX、COUNT）", **where)
    variable = _child(node, "variable")
    name = node.get("name") or decision_id
    inputs = [_load_input(i, n, where) for n, i in enumerate(_children(table_node, "input"), 1)]
    outputs = [
        _load_output(o, n, where, decision_name=name)
        for n, o in enumerate(_children(table_node, "output"), 1)
    ]
    if not outputs:
        raise DecisionLoadError("决策表没有输出列", **where)
    if aggregation and len(outputs) > 1:
        raise DecisionLoadError("带聚合的 COLLECT 只能有一个输出列（DMN 1.3 §8.2.11）", **where)
    if hit_policy in ("PRIORITY", "OUTPUT ORDER") and not any(o.allowed for o in outputs):
        raise DecisionLoadError(
            f"命中策略 {hit_policy} 需要在输出列上列出按优先级排列的输出值（outputValues）", **where
        )
    names = [o.name for o in outputs]
    if len(set(names)) != len(names):
        raise DecisionLoadError(f"输出列名称重复：{'、'.join(names)}", **where)
    rules = [_load_rule(r, n, inputs, outputs, where) for n, r in enumerate(_children(table_node, "rule"), 1)]
    description = _text(node, "description") + " " + _text(table_node, "description")
    complete = (table_node.get(f"{{{JG_NAMESPACE}}}complete") or "").lower() == "true" or (
        COMPLETE_MARKER in description
    )
    required = [
        (req.get("href") or "").lstrip("#")
        for info in _children(node, "informationRequirement")
        for req in _children(info, "requiredDecision")
    ]
    table = DecisionTable(
        id=decision_id,
        name=name,
        hit_policy=hit_policy,
        aggregation=aggregation,
        inputs=inputs,
        outputs=outputs,
        rules=rules,
        file=file,
        version=version,
        variable=(variable.get("name") if variable is not None else None) or name,
        required=[r for r in required if r],
        complete=complete,
        description=description.replace(COMPLETE_MARKER, "").strip(),
    )
    table.matcher = Matcher(table)
    return table


def _expr(text: str, where: dict[str, str], cell: str) -> tuple[Expr, Any]:
    try:
        expr = parse_expression(text)
        return expr, compile_expr(expr)
    except FeelSyntaxError as exc:
        raise DecisionLoadError(exc.message, cell=cell, **where) from exc


def _tests(text: str, where: dict[str, str], cell: str) -> tuple[UnaryTests, Any]:
    try:
        tests = parse_unary_tests(text)
        return tests, compile_tests(tests)
    except FeelSyntaxError as exc:
        raise DecisionLoadError(exc.message, cell=cell, **where) from exc


def _type_ref(value: str | None, where: dict[str, str], cell: str) -> str:
    type_ref = (value or "").strip()
    if type_ref not in KNOWN:
        raise DecisionLoadError(
            f"不支持的类型 typeRef=“{type_ref}”（可用 string、number、boolean、date）", cell=cell, **where
        )
    return type_ref


def _load_input(node: Any, n: int, where: dict[str, str]) -> Input:
    label = node.get("label") or ""
    cell = f"输入列 {n}（{label or node.get('id') or ''}）"
    expression = _child(node, "inputExpression")
    _check_language(expression, where, cell)
    text = _text(expression) if expression is not None else ""
    if not text:
        raise DecisionLoadError("输入列缺少输入表达式（inputExpression）", cell=cell, **where)
    type_ref = _type_ref(expression.get("typeRef") or node.get("typeRef"), where, cell)
    expr, fn = _expr(text, where, cell)
    allowed_text = _text(_child(node, "inputValues"))
    allowed = _tests(allowed_text, where, f"{cell} 的取值范围")[0] if allowed_text else None
    return Input(
        id=node.get("id") or f"input_{n}",
        label=label,
        text=text,
        type_ref=type_ref,
        family=family(type_ref),
        expr=expr,
        fn=fn,
        allowed=allowed,
    )


def _load_output(node: Any, n: int, where: dict[str, str], *, decision_name: str) -> Output:
    label = node.get("label") or ""
    name = node.get("name") or ""
    cell = f"输出列 {n}（{label or name or node.get('id') or ''}）"
    type_ref = _type_ref(node.get("typeRef"), where, cell)
    allowed_text = _text(_child(node, "outputValues"))
    allowed: tuple[Any, ...] = ()
    if allowed_text:
        tests, _ = _tests(allowed_text, where, f"{cell} 的输出值列表")
        literal = all(
            isinstance(t, Compare) and t.op == "=" and isinstance(t.endpoint, Lit) for t in tests.tests
        )
        if tests.negated or not literal:
            raise DecisionLoadError("输出值列表（outputValues）只能是逗号分隔的字面量", cell=cell, **where)
        allowed = tuple(
            t.endpoint.value for t in tests.tests if isinstance(t, Compare) and isinstance(t.endpoint, Lit)
        )
    default_text = _text(_child(node, "defaultOutputEntry"))
    default_fn = _expr(default_text, where, f"{cell} 的默认输出")[1] if default_text else None
    if not name:
        name = label if label.isidentifier() else f"output_{n}"
    return Output(
        id=node.get("id") or f"output_{n}",
        name=name,
        label=label,
        type_ref=type_ref,
        family=family(type_ref),
        allowed=allowed,
        allowed_text=allowed_text,
        default_text=default_text,
        default_fn=default_fn,
    )


def _annotation(node: Any) -> str:
    parts = [_text(node, "description")]
    parts += [_text(a) for a in _children(node, "annotationEntry")]
    return "；".join(p for p in parts if p)


def _load_rule(node: Any, n: int, inputs: list[Input], outputs: list[Output], where: dict[str, str]) -> Rule:
    rule_id = node.get("id") or f"rule_{n}"
    rule_where = {**where, "rule": f"{n}（{rule_id}）"}
    entries = _children(node, "inputEntry")
    results = _children(node, "outputEntry")
    if len(entries) != len(inputs) or len(results) != len(outputs):
        raise DecisionLoadError(
            f"单元格个数不对：应有 {len(inputs)} 个输入、{len(outputs)} 个输出，实际 {len(entries)} 个输入、"
            f"{len(results)} 个输出",
            **rule_where,
        )
    tests, test_fns, input_texts = [], [], []
    for c, (entry, inp) in enumerate(zip(entries, inputs, strict=True), 1):
        _check_language(entry, rule_where, f"输入列 {c}（{inp.title}）")
        text = _text(entry)
        parsed, fn = (
            _tests(text, rule_where, f"输入列 {c}（{inp.title}）")
            if text.strip() not in ("", "-")
            else (ANY, compile_tests(ANY))
        )
        tests.append(parsed)
        test_fns.append(fn)
        input_texts.append(text or "-")
    output_texts, output_exprs, output_fns = [], [], []
    for c, (entry, out) in enumerate(zip(results, outputs, strict=True), 1):
        _check_language(entry, rule_where, f"输出列 {c}（{out.title}）")
        text = _text(entry)
        expr, fn = _expr(text, rule_where, f"输出列 {c}（{out.title}）")
        output_texts.append(text)
        output_exprs.append(expr)
        output_fns.append(fn)
    return Rule(
        id=rule_id,
        index=n,
        annotation=_annotation(node),
        input_texts=input_texts,
        tests=tests,
        test_fns=test_fns,
        output_texts=output_texts,
        output_exprs=output_exprs,
        output_fns=output_fns,
    )
