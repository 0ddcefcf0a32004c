"""Every verifier finding, each naming the rules involved."""

from __future__ import annotations


def kinds(table):
    return [(f.kind, f.rules) for f in table.findings]


def test_overlap_in_a_unique_table_names_both_rules(tables):
    tables.add(
        "u",
        inputs=[("age", "number", "年龄"), ("kind", "string", "类别")],
        outputs=[("y", "string")],
        rules=[(["[18..60]", '"A"'], ['"x"']), (["> 50", "-"], ['"y"']), (["< 18", '"A"'], ['"z"'])],
    )
    table = tables.table("u")
    assert kinds(table) == [("overlap", [1, 2])]
    assert "50 < 年龄 < 60" in table.findings[0].message or "年龄" in table.findings[0].message
    assert table.findings[0].severity == "error"


def test_no_overlap_when_ranges_only_touch_at_an_open_end(tables):
    tables.add(
        "u",
        inputs=[("x", "number")],
        outputs=[("y", "string")],
        rules=[(["[0..10)"], ['"a"']), (["[10..20]"], ['"b"']), (["> 20"], ['"c"'])],
    )
    assert tables.table("u").findings == []


def test_any_reports_only_overlaps_with_different_outputs(tables):
    tables.add(
        "a",
        hit_policy="ANY",
        inputs=[("x", "number")],
        outputs=[("y", "string")],
        rules=[(["> 0"], ['"pos"']), (["> 5"], ['"pos"']), ([">= 10"], ['"big"'])],
    )
    assert kinds(tables.table("a")) == [("overlap", [1, 3]), ("overlap", [2, 3])]


def test_gap_in_a_table_declared_complete(tables):
    tables.add(
        "c",
        complete=True,
        inputs=[("x", "number", "金额"), ("ok", "boolean", "合格")],
        outputs=[("y", "string")],
        rules=[(["< 0", "-"], ['"neg"']), (["[0..100]", "true"], ['"fine"']), (["> 100", "-"], ['"big"'])],
    )
    findings = tables.table("c").findings
    assert [f.kind for f in findings] == ["gap"]
    message = findings[0].message
    assert "金额 = 0，合格 = 否" in message and "0 < 金额 < 100，合格 = 否" in message
    assert "金额 = 100，合格 = 否" in message and "合格 = 是" not in message


def test_gaps_are_not_reported_for_tables_that_do_not_declare_completeness(tables):
    tables.add("c", inputs=[("x", "number")], outputs=[("y", "string")], rules=[(["< 0"], ['"neg"'])])
    assert tables.table("c").findings == []


def test_complete_table_without_gaps_and_the_description_marker(tables):
    from decisions.authoring import dmn_xml

    xml = dmn_xml(
        "c",
        inputs=[("kind", "string")],
        outputs=[("y", "string")],
        rules=[(['"A"'], ['"a"']), (['not("A")'], ['"other"'])],
    )
    xml = xml.replace("<decisionTable", "<description>全部情形 @complete</description><decisionTable")
    tables.write("c.dmn", xml)
    table = tables.table("c")
    assert table.complete and table.findings == []


def test_unreachable_rule_in_a_first_table_names_the_rules_that_shadow_it(tables):
    tables.add(
        "f",
        hit_policy="FIRST",
        inputs=[("x", "number"), ("k", "string")],
        outputs=[("y", "string")],
        rules=[
            (["< 10", "-"], ['"a"']),
            ([">= 10", '"A"'], ['"b"']),
            (["> 20", '"A","B"'], ['"c"']),
            (["[12..15]", '"A"'], ['"d"']),
        ],
    )
    assert kinds(tables.table("f")) == [("unreachable", [4, 2])]
    assert "规则 4 永远不会命中" in tables.table("f").findings[0].message


def test_unreachable_after_a_catch_all(tables):
    tables.add(
        "f",
        hit_policy="FIRST",
        inputs=[("x", "number")],
        outputs=[("y", "string")],
        rules=[(["-"], ['"all"']), (["> 1"], ['"never"'])],
    )
    assert kinds(tables.table("f")) == [("unreachable", [2, 1])]


def test_type_mismatch_in_an_input_cell_and_an_output(tables):
    tables.add(
        "t",
        hit_policy="FIRST",
        inputs=[("age", "number", "年龄")],
        outputs=[("days", "number", "天数")],
        rules=[(['"eighteen"'], ["30"]), (["> 3"], ['"sixty"'])],
    )
    findings = tables.table("t").findings
    assert [(f.kind, f.rules) for f in findings] == [("type_mismatch", [1]), ("type_mismatch", [2])]
    assert "年龄" in findings[0].message and "文本" in findings[0].message
    assert "天数" in findings[1].message


def test_unknown_input_names_the_rules_that_read_it(tables):
    tables.add(
        "n",
        hit_policy="FIRST",
        inputs=[("amount", "number")],
        outputs=[("fee", "number")],
        rules=[(["> limit"], ["amount * rate"]), (["-"], ["0"])],
    )
    findings = tables.table("n").findings
    assert [(f.kind, f.rules) for f in findings] == [("unknown_input", [1]), ("unknown_input", [1])]
    assert "limit" in findings[0].message and "rate" in findings[1].message


def test_output_value_outside_the_priority_list(tables):
    tables.add(
        "p",
        hit_policy="PRIORITY",
        inputs=[("x", "number")],
        outputs=[("r", "string")],
        output_values={"r": '"HIGH","LOW"'},
        rules=[(["> 1"], ['"HIGH"']), (["-"], ['"MEDIUM"'])],
    )
    assert kinds(tables.table("p")) == [("priority_value", [2])]


def test_missing_required_decision_is_reported(tables):
    tables.add(
        "child",
        inputs=[("x", "number")],
        outputs=[("y", "number")],
        rules=[(["-"], ["1"])],
        requires=["ghost"],
    )
    assert [f.kind for f in tables.table("child").findings] == ["unknown_required"]


def test_cells_with_variables_are_not_guessed_at(tables):
    tables.add(
        "v",
        inputs=[("x", "number"), ("limit", "number")],
        outputs=[("y", "string")],
        rules=[(["> limit", "-"], ['"a"']), (["> 0", "-"], ['"b"'])],
    )
    assert tables.table("v").findings == []  # overlap unknown: rule 1 depends on another input's value


def test_priority_rule_that_can_never_win_is_reported(tables):
    tables.add(
        "p",
        hit_policy="PRIORITY",
        inputs=[("n", "number"), ("done", "boolean")],
        outputs=[("action", "string")],
        output_values={"action": '"withdraw","rectify","none"'},
        rules=[
            (["[1..2]", "true"], ['"none"']),
            (["> 0", "-"], ['"rectify"']),
            (["> 2", "false"], ['"withdraw"']),
        ],
    )
    assert kinds(tables.table("p")) == [("unreachable", [1, 2])]
    assert "规则 1 的输出永远不会被采用" in tables.table("p").findings[0].message
