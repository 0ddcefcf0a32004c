"""Verifier (决策表校验): overlaps in UNIQUE/ANY tables, gaps in tables declared complete, unreachable rules in
FIRST tables, type mismatches, unknown inputs and output values outside the declared list. Each finding names the
rules involved (1-based, as the table shows them).

Overlap, gap and reachability analysis covers cells made of literals (comparisons, ranges, lists, ``not``); a
column with a cell that reads other variables or calls functions is not analysed (no finding rather than a guess).
"""

from __future__ import annotations

from typing import Any

from .feel_ast import Lit, names_in
from .feel_values import kind
from .model import DecisionTable, Finding, Rule
from .segments import Segment, column_kind, literal_values, segments_for

MAX_GAPS = 10
MAX_STEPS = 200_000
TYPE_LABELS = {"number": "数值", "string": "文本", "boolean": "是/否", "date": "日期", "datetime": "日期时间"}


def verify(table: DecisionTable) -> list[Finding]:
    findings = type_findings(table) + output_value_findings(table)
    space = _Space.build(table)
    if space is not None:
        if table.hit_policy in ("UNIQUE", "ANY"):
            findings += space.overlaps(table)
        if table.hit_policy == "FIRST":
            findings += space.unreachable(table)
        if table.hit_policy == "PRIORITY":
            findings += space.outranked(table)
        if table.complete:
            findings += space.gaps(table)
    return findings


def _rules_text(indices: list[int]) -> str:
    return "规则 " + "、".join(str(i) for i in indices)


# -- types ------------------------------------------------------------------------------------------------
def type_findings(table: DecisionTable) -> list[Finding]:
    findings = []
    for rule in table.rules:
        for inp, tests in zip(table.inputs, rule.tests, strict=True):
            for value in literal_values(tests) or []:
                if value is not None and inp.family != "any" and kind(value) != inp.family:
                    findings.append(
                        Finding(
                            "type_mismatch",
                            "error",
                            f"规则 {rule.index} 的输入列“{inp.title}”声明为{TYPE_LABELS.get(inp.family, inp.family)}，"
                            f"单元格却是{TYPE_LABELS.get(kind(value), kind(value))}：{' '.join(rule.input_texts)}",
                            [rule.index],
                        )
                    )
                    break
        for out, expr, text in zip(table.outputs, rule.output_exprs, rule.output_texts, strict=True):
            if (
                isinstance(expr, Lit)
                and expr.value is not None
                and out.family != "any"
                and kind(expr.value) != out.family
            ):
                findings.append(
                    Finding(
                        "type_mismatch",
                        "error",
                        f"规则 {rule.index} 的输出列“{out.title}”声明为{TYPE_LABELS.get(out.family, out.family)}，"
                        f"输出却是{TYPE_LABELS.get(kind(expr.value), kind(expr.value))}：{text}",
                        [rule.index],
                    )
                )
    return findings


def output_value_findings(table: DecisionTable) -> list[Finding]:
    findings = []
    severity = "error" if table.hit_policy in ("PRIORITY", "OUTPUT ORDER") else "warning"
    for out_index, out in enumerate(table.outputs):
        if not out.allowed:
            continue
        for rule in table.rules:
            expr = rule.output_exprs[out_index]
            if isinstance(expr, Lit) and not any(
                kind(a) == kind(expr.value) and a == expr.value for a in out.allowed
            ):
                findings.append(
                    Finding(
                        "priority_value",
                        severity,
                        f"规则 {rule.index} 的输出“{rule.output_texts[out_index]}”不在输出列“{out.title}”的输出值列表"
                        f"（{out.allowed_text}）中",
                        [rule.index],
                    )
                )
    return findings


# -- unknown inputs and the decision graph ----------------------------------------------------------------
def verify_graph(tables: dict[str, DecisionTable]) -> dict[str, list[Finding]]:
    """Per table: required decisions that do not exist, cycles, and names read that no input provides."""
    out: dict[str, list[Finding]] = {}
    for table in tables.values():
        findings: list[Finding] = []
        known = set(table.input_names())
        for req in table.required:
            if req not in tables:
                findings.append(Finding("unknown_required", "error", f"依赖的决策 {req} 不存在"))
                continue
            known |= {req, tables[req].variable} | {o.name for o in tables[req].outputs}
        if _in_cycle(table.id, tables):
            findings.append(Finding("cycle", "error", f"决策 {table.id} 的依赖关系构成循环"))
        findings += unknown_names(table, known)
        if findings:
            out[table.id] = findings
    return out


def unknown_names(table: DecisionTable, known: set[str]) -> list[Finding]:
    """Cells and defaults that read a variable the table does not take as an input."""
    by_name: dict[str, list[int]] = {}
    for rule in table.rules:
        used = set().union(*(names_in(t) for t in rule.tests), *(names_in(e) for e in rule.output_exprs))
        for name in sorted(used - known):
            by_name.setdefault(name, []).append(rule.index)
    return [
        Finding(
            "unknown_input",
            "error",
            f"{_rules_text(rules)} 引用了未声明为输入列的变量“{name}”（请增加输入列或改用已有输入）",
            rules,
        )
        for name, rules in sorted(by_name.items())
    ]


def _in_cycle(start: str, tables: dict[str, DecisionTable]) -> bool:
    seen: set[str] = set()
    stack = list(tables[start].required)
    while stack:
        current = stack.pop()
        if current == start:
            return True
        if current in seen or current not in tables:
            continue
        seen.add(current)
        stack.extend(tables[current].required)
    return False


# -- symbolic coverage -------------------------------------------------------------------------------------
class _Space:
    """Per analysed column: its segments and, per rule, the bit set of segments its cell covers."""

    def __init__(self, columns: list[int], segments: list[list[Segment]], covers: list[list[int]]):
        self.columns = columns  # input positions analysed
        self.segments = segments  # per analysed column
        self.covers = covers  # covers[k][rule position] = bit set over segments of column k

    @classmethod
    def build(cls, table: DecisionTable) -> _Space | None:
        columns, all_segments, covers = [], [], []
        for c, inp in enumerate(table.inputs):
            cells = [r.tests[c] for r in table.rules]
            if all(cell.is_any for cell in cells):
                continue
            literals = [literal_values(cell) for cell in cells]
            if any(vals is None for vals in literals):
                return None  # a cell reads variables or calls functions: not analysed
            k = column_kind(inp.family, cells)
            if k is None:
                return None
            values = [v for vals in literals for v in (vals or []) if v is not None and kind(v) == k]
            segs = segments_for(k, values)
            columns.append(c)
            all_segments.append(segs)
            covers.append([_cover(rule, c, segs) for rule in table.rules])
        return cls(columns, all_segments, covers)

    def _cell(self, k: int, rule_pos: int) -> int:
        return self.covers[k][rule_pos]

    def intersects(self, a: int, b: int) -> bool:
        return all(self._cell(k, a) & self._cell(k, b) for k in range(len(self.columns)))

    def overlaps(self, table: DecisionTable) -> list[Finding]:
        findings = []
        rules = table.rules
        for i in range(len(rules)):
            for j in range(i + 1, len(rules)):
                if not self.intersects(i, j):
                    continue
                if table.hit_policy == "ANY" and rules[i].output_texts == rules[j].output_texts:
                    continue
                what = "输出不同且" if table.hit_policy == "ANY" else ""
                findings.append(
                    Finding(
                        "overlap",
                        "error",
                        f"规则 {i + 1} 与规则 {j + 1} {what}可能同时命中（{table.hit_policy} 表不允许）：{self._example(i, j, table)}",
                        [i + 1, j + 1],
                    )
                )
        return findings

    def _example(self, a: int, b: int, table: DecisionTable) -> str:
        parts = []
        for k, c in enumerate(self.columns):
            both = self._cell(k, a) & self._cell(k, b)
            if both != (1 << len(self.segments[k])) - 1:
                seg = self.segments[k][(both & -both).bit_length() - 1]
                parts.append(seg.describe(table.inputs[c].title))
        return "，".join(parts) or "任意输入"

    def unreachable(self, table: DecisionTable) -> list[Finding]:
        findings = []
        for j in range(1, len(table.rules)):
            earlier = (1 << j) - 1
            covering = self._shadowed(j, earlier)
            if covering:
                findings.append(
                    Finding(
                        "unreachable",
                        "warning",
                        f"规则 {j + 1} 永远不会命中（FIRST 表中已被{_rules_text(covering)}完全覆盖）",
                        [j + 1, *covering],
                    )
                )
        return findings

    def outranked(self, table: DecisionTable) -> list[Finding]:
        """PRIORITY: rules whose every input is also matched by a rule that wins (higher priority, or equal
        priority and earlier) — their output can never be the result."""
        ranks = [_rank(table, rule) for rule in table.rules]
        if any(r is None for r in ranks):
            return []
        findings = []
        for j, rank in enumerate(ranks):
            winners = 0
            for i, other in enumerate(ranks):
                if i != j and (other, i) < (rank, j):
                    winners |= 1 << i
            covering = self._shadowed(j, winners) if winners else []
            if covering:
                findings.append(
                    Finding(
                        "unreachable",
                        "warning",
                        f"规则 {j + 1} 的输出永远不会被采用（PRIORITY 表中{_rules_text(covering)}优先级更高且覆盖其全部输入）",
                        [j + 1, *covering],
                    )
                )
        return findings

    def _shadowed(self, j: int, earlier: int) -> list[int]:
        """Rules among ``earlier`` (a mask) that together cover all of rule j's inputs, or [] if some input of
        rule j is matched by none of them."""
        used = 0
        steps = 0

        def walk(k: int, candidates: int) -> bool:
            nonlocal used, steps
            steps += 1
            if steps > MAX_STEPS:
                raise _TooBig
            if k == len(self.columns):
                used |= candidates & -candidates
                return True
            cell = self._cell(k, j)
            s = 0
            while cell >> s:
                if cell >> s & 1:
                    narrowed = candidates & self._rules_covering(k, s)
                    if not narrowed or not walk(k + 1, narrowed):
                        return False
                s += 1
            return True

        try:
            covered = walk(0, earlier)
        except _TooBig:
            return []
        return [i + 1 for i in range(used.bit_length()) if used >> i & 1] if covered else []

    def _rules_covering(self, k: int, s: int) -> int:
        mask = 0
        for pos, cover in enumerate(self.covers[k]):
            if cover >> s & 1:
                mask |= 1 << pos
        return mask

    def gaps(self, table: DecisionTable) -> list[Finding]:
        found: list[list[str]] = []
        steps = 0
        everyone = (1 << len(table.rules)) - 1

        def walk(k: int, candidates: int, path: list[str]) -> None:
            nonlocal steps
            steps += 1
            if len(found) >= MAX_GAPS or steps > MAX_STEPS or k == len(self.columns):
                return
            title = table.inputs[self.columns[k]].title
            for s, seg in enumerate(self.segments[k]):
                narrowed = candidates & self._rules_covering(k, s)
                if not narrowed:
                    found.append([*path, seg.describe(title)])
                    if len(found) >= MAX_GAPS:
                        return
                else:
                    walk(k + 1, narrowed, [*path, seg.describe(title)])

        if not table.rules:
            return [Finding("gap", "warning", "决策表声明为完整，但没有任何规则")]
        walk(0, everyone, [])
        if not found:
            return []
        combos = "；".join("，".join(g) for g in found)
        more = "（仅列出前 10 种）" if len(found) >= MAX_GAPS else ""
        return [
            Finding("gap", "warning", f"决策表声明为完整，但以下输入组合没有规则覆盖{more}：{combos}", [])
        ]


def _rank(table: DecisionTable, rule: Rule) -> tuple[int, ...] | None:
    """A rule's priority key (lower wins), or None when an output is not a literal."""
    key = []
    for out, expr in zip(table.outputs, rule.output_exprs, strict=True):
        if not out.allowed:
            continue
        if not isinstance(expr, Lit):
            return None
        value = expr.value
        key.append(
            next(
                (i for i, a in enumerate(out.allowed) if kind(a) == kind(value) and a == value),
                len(out.allowed),
            )
        )
    return tuple(key)


class _TooBig(Exception):
    pass


def _cover(rule: Rule, c: int, segments: list[Segment]) -> int:
    """Bit set of the segments on which the rule's cell in column c is true."""
    tests, fn = rule.tests[c], rule.test_fns[c]
    if tests.is_any:
        return (1 << len(segments)) - 1
    bits = 0
    ctx: dict[str, Any] = {}
    for s, seg in enumerate(segments):
        if fn(seg.value, ctx) is True:
            bits |= 1 << s
    return bits
