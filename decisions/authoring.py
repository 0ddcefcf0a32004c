"""Build DMN 1.3 XML from Python lists — for tests, benchmarks and examples (tables people edit are .dmn files).

xml = dmn_xml("dish", hit_policy="UNIQUE",
              inputs=[("season", "string")], outputs=[("dish", "string")],
              rules=[(['"Winter"'], ['"Roastbeef"'], "冬季")])
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
RuleSpec = tuple[Sequence[str], Sequence[str]] | tuple[Sequence[str], Sequence[str], str]


def _col(spec: str | tuple[str, ...]) -> tuple[str, ...]:
    return (spec,) if isinstance(spec, str) else tuple(spec)


def dmn_xml(
    decision_id: str,
    *,
    inputs: Sequence[tuple[str, ...]],
    outputs: Sequence[tuple[str, ...]],
    rules: Sequence[RuleSpec],
    hit_policy: str = "UNIQUE",
    aggregation: str = "",
    name: str = "",
    output_values: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    requires: Sequence[str] = (),
    complete: bool = False,
    extra_decisions: str = "",
) -> str:
    """``inputs``: ``(expression, typeRef[, label])``; ``outputs``: ``(name, typeRef[, label])``; ``rules``:
    ``(input cells, output cells[, annotation])``."""
    output_values = output_values or {}
    defaults = defaults or {}
    parts = [
        f'<definitions xmlns="{DMN13}" xmlns:jg="https://jianguan.example/schema/dmn" '
        f'id="defs_{decision_id}" name={quoteattr(name or decision_id)} namespace="https://jianguan.example/dmn">',
        f"<decision id={quoteattr(decision_id)} name={quoteattr(name or decision_id)}>",
    ]
    parts += [
        f'<informationRequirement><requiredDecision href="#{r}"/></informationRequirement>' for r in requires
    ]
    agg = f" aggregation={quoteattr(aggregation)}" if aggregation else ""
    comp = ' jg:complete="true"' if complete else ""
    parts.append(f'<decisionTable id="dt_{decision_id}" hitPolicy={quoteattr(hit_policy)}{agg}{comp}>')
    for i, spec in enumerate(inputs, 1):
        expr, type_ref, *label = spec
        parts.append(
            f'<input id="in_{i}" label={quoteattr(label[0] if label else expr)}>'
            f'<inputExpression id="ie_{i}" typeRef={quoteattr(type_ref)}><text>{escape(expr)}</text>'
            "</inputExpression></input>"
        )
    for i, spec in enumerate(outputs, 1):
        out_name, type_ref, *label = spec
        body = ""
        if out_name in output_values:
            body += f"<outputValues><text>{escape(output_values[out_name])}</text></outputValues>"
        if out_name in defaults:
            body += f"<defaultOutputEntry><text>{escape(defaults[out_name])}</text></defaultOutputEntry>"
        parts.append(
            f'<output id="out_{i}" name={quoteattr(out_name)} label={quoteattr(label[0] if label else out_name)} '
            f"typeRef={quoteattr(type_ref)}>{body}</output>"
        )
    for r, rule in enumerate(rules, 1):
        cells_in, cells_out = rule[0], rule[1]
        note = rule[2] if len(rule) > 2 else ""  # type: ignore[misc]
        parts.append(f'<rule id="rule_{r}">')
        if note:
            parts.append(f"<description>{escape(note)}</description>")
        parts += [
            f'<inputEntry id="r{r}_i{c}"><text>{escape(t)}</text></inputEntry>'
            for c, t in enumerate(cells_in, 1)
        ]
        parts += [
            f'<outputEntry id="r{r}_o{c}"><text>{escape(t)}</text></outputEntry>'
            for c, t in enumerate(cells_out, 1)
        ]
        parts.append("</rule>")
    parts += ["</decisionTable>", "</decision>", extra_decisions, "</definitions>"]
    return "".join(parts)
