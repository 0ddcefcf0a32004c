"""The DMN tables against every row of the scale in DOMAIN.md §3 and the other decisions."""

from __future__ import annotations

import pytest

from domain.enterprises import rules


@pytest.mark.parametrize(
    ("refused", "count", "level", "expected"),
    [
        (False, 1, "general", ("suspend", 30, 60)),  # general accident → 30-60 days
        (False, 1, "major", ("suspend", 60, 90)),  # major → 60-90
        (False, 1, "serious", ("suspend", 90, 120)),  # serious → 90-120
        (False, 2, "general", ("suspend", 60, 90)),  # 2nd in 12 months, general → +30 days
        (False, 2, "major", ("suspend", 120, 150)),  # 2nd, major → +60 days (over 120 in total revokes)
        (False, 2, "serious", ("revoke", 0, 0)),  # 2nd, serious → revoke
        (False, 3, "general", ("revoke", 0, 0)),  # 3 accidents in 12 months → revoke
        (False, 4, "major", ("revoke", 0, 0)),
        (True, 1, "general", ("revoke", 0, 0)),  # refuses to rectify while suspended → revoke
        (True, 0, "none", ("revoke", 0, 0)),
        (False, 0, "none", ("suspend", 30, 60)),  # check failed, conditions lost (days assumed, configurable)
    ],
)
def test_suspension_scale_row(refused, count, level, expected):
    out = rules.evaluate(
        "enterprises_suspension_scale",
        {"refused_rectification": refused, "accidents_in_12_months": count, "accident_level": level},
    )
    assert (out["outcome"], out["days_min"], out["days_max"]) == expected
    assert out["basis"]


def test_late_report_adds_30_to_60_days():
    late = rules.evaluate("enterprises_late_report_extension", {"reported_late": True})
    on_time = rules.evaluate("enterprises_late_report_extension", {"reported_late": False})
    assert (late["extra_min"], late["extra_max"]) == (30, 60)
    assert (on_time["extra_min"], on_time["extra_max"]) == (0, 0)


@pytest.mark.parametrize(
    ("kind", "ground", "credential", "offered"),
    [
        ("revoke", "fraud", "qualification", False),
        ("revoke", "improper_grant", "qualification", True),
        ("revoke", "improper_grant", "safety_licence", True),
        ("withdraw", "overdue_rectification", "qualification", False),
    ],
)
def test_hearing_offered(kind, ground, credential, offered):
    out = rules.evaluate(
        "enterprises_hearing_offered", {"kind": kind, "ground": ground, "credential": credential}
    )
    assert out["hearing_offered"] is offered


def test_check_scope_collects_every_finding():
    facts = {
        "kind": "qualification",
        "staff_shortfall": 3,
        "social_insurance_gap": True,
        "manager_shortfall": 0,
        "accidents_in_12_months": 0,
    }
    codes = {r["code"] for r in rules.evaluate("enterprises_check_scope", facts)}
    assert codes == {"staff_below_standard", "social_insurance_gap"}
    facts.update(staff_shortfall=0, social_insurance_gap=False)
    assert rules.evaluate("enterprises_check_scope", facts) == []


def test_extension_without_reexamination_only_without_fatal_accident():
    assert rules.evaluate("enterprises_licence_extension", {"fatal_accidents_in_term": 0})[
        "without_reexamination"
    ]
    assert not rules.evaluate("enterprises_licence_extension", {"fatal_accidents_in_term": 1})[
        "without_reexamination"
    ]
