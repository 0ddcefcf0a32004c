"""Rule sets: JSON rules validated on save and run through the business-rules adapter."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError

from decisions import rulesets, services
from decisions.demo import RULESETS
from decisions.models import RuleSet
from security.models import AuditEvent


@pytest.fixture
def demo_rulesets(db):
    from decisions import demo

    demo.load(lambda _msg: None)


def test_wage_arrears_warns_and_escalates_a_large_unrectified_arrears(demo_rulesets):
    actions = rulesets.run(
        "wage_arrears",
        {"arrears_amount": 1_200_000.0, "workers_affected": 12, "days_overdue": 45, "rectified": False},
    )
    assert [(a.rule_id, a.name, a.params.get("level")) for a in actions] == [
        ("arrears_red", "warn", "red"),
        ("arrears_red", "escalate", None),
        ("arrears_orange", "warn", "orange"),
    ]


def test_nothing_fires_when_conditions_do_not_hold(demo_rulesets):
    assert (
        rulesets.run(
            "wage_arrears",
            {"arrears_amount": 1_000, "workers_affected": 2, "days_overdue": 3, "rectified": False},
        )
        == []
    )
    assert (
        rulesets.run("concrete_strength", {"strength_ratio": 1.2, "grade": "C30", "structural_member": True})
        == []
    )


def test_concrete_and_sla_rules(demo_rulesets):
    low = rulesets.run(
        "concrete_strength", {"strength_ratio": 0.93, "grade": "C30", "structural_member": True}
    )
    assert [a.name for a in low] == ["warn", "flag"]
    sla = rulesets.run("sla_escalation", {"working_days_left": 1, "statutory": True})
    assert [a.rule_id for a in sla] == ["due_soon_statutory"]


def test_a_wrong_fact_type_is_an_error_a_person_can_act_on(demo_rulesets):
    with pytest.raises(rulesets.RuleSetError, match="事实数据缺失或类型不符"):
        rulesets.run("sla_escalation", {"working_days_left": "two", "statutory": True})


def test_unknown_or_inactive_rule_set(demo_rulesets):
    RuleSet.objects.filter(key="sla_escalation").update(active=False)
    with pytest.raises(rulesets.RuleSetError, match="不存在或未启用"):
        rulesets.run("sla_escalation", {})


def _doc(**change):
    doc = copy.deepcopy(RULESETS[2])
    rule = doc["rules"][0]
    rule.update(change)
    return doc


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            _doc(conditions={"all": [{"name": "ghost", "operator": "less_than", "value": 0}]}),
            "未声明的变量 ghost",
        ),
        (
            _doc(conditions={"all": [{"name": "working_days_left", "operator": "starts_with", "value": 0}]}),
            "不支持运算符 starts_with",
        ),
        (
            _doc(conditions={"all": [{"name": "working_days_left", "operator": "less_than", "value": "0"}]}),
            "比较值应为数值",
        ),
        (_doc(actions=[{"name": "shutdown", "params": {}}]), "动作应为"),
        (_doc(actions=[{"name": "warn", "params": {"level": "purple", "message": "x"}}]), "预警等级"),
        (_doc(actions=[{"name": "warn", "params": {"level": "red"}}]), "缺少参数 message"),
        (_doc(actions=[]), "至少需要一个动作"),
        (_doc(id=""), "缺少 id"),
        (_doc(conditions={"all": []}), "至少需要一个条件"),
    ],
)
def test_validation_on_save_names_the_rule_and_the_problem(db, doc, message):
    ruleset = RuleSet(key="sla_test", name="测试", variables=doc["variables"], rules=doc["rules"])
    with pytest.raises(ValidationError) as exc:
        services.save_ruleset(ruleset=ruleset, acting_user=None)
    text = " ".join(exc.value.message_dict["rules"])
    assert message in text and "规则 1" in text
    assert not RuleSet.objects.filter(key="sla_test").exists()


def test_regular_expressions_are_not_accepted(db):
    doc = {
        "variables": {"name": "string"},
        "rules": [
            {
                "id": "r",
                "conditions": {"all": [{"name": "name", "operator": "matches_regex", "value": "(a+)+$"}]},
                "actions": [{"name": "flag", "params": {"code": "x", "message": "y"}}],
            }
        ],
    }
    with pytest.raises(rulesets.RuleSetError, match="不支持运算符 matches_regex"):
        rulesets.validate_rules("k", doc)


def test_saving_raises_the_version_and_is_audited(demo_rulesets, user):
    ruleset = RuleSet.objects.get(key="sla_escalation")
    ruleset.rules[0]["actions"][0]["params"]["message"] = "超期，请督办"
    services.save_ruleset(ruleset=ruleset, acting_user=None)
    ruleset.refresh_from_db()
    assert ruleset.version == 2
    event = AuditEvent.objects.filter(action="decisions.ruleset_saved").order_by("-id").first()
    assert event.after["version"] == 2 and "超期，请督办" in str(event.after["rules"])


def test_the_admin_form_refuses_an_invalid_rule_set(directory):
    import json

    from django.test import Client

    from domain.organisations.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    rules = [
        {
            "id": "r",
            "conditions": {"all": [{"name": "ghost", "operator": "less_than", "value": 1}]},
            "actions": [{"name": "warn", "params": {"level": "red", "message": "x"}}],
        }
    ]
    response = client.post(
        "/admin/decisions/ruleset/add/",
        {
            "key": "broken",
            "name": "有误的规则集",
            "description": "",
            "active": "on",
            "variables": json.dumps({"amount": "numeric"}),
            "rules": json.dumps(rules),
        },
    )
    assert response.status_code == 200
    assert "未声明的变量 ghost" in response.content.decode()
    assert not RuleSet.objects.filter(key="broken").exists()
