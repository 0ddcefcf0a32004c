"""Pages and REST API of the decision tables: who may see and test them, and 4xx (never 500) on bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from domain.organisations.models import User


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_api_lists_decisions_with_key_name_version_and_hit_policy(api, directory):
    response = api("officer_pd").get("/api/decisions/")
    assert response.status_code == 200
    rows = {r["key"]: r for r in response.json()["results"]}
    row = rows["examples_enforcement_action"]
    assert (
        row["name"] == "示例：违规处理决定" and row["hit_policy"] == "PRIORITY" and len(row["version"]) == 12
    )
    assert row["required"] == ["examples_violation_risk"]
    assert rows["examples_credit_deductions"]["aggregation"] == "SUM"


def test_api_evaluate_returns_outputs_matched_rules_and_explanation(api, directory):
    response = api("legal_city").post(
        "/api/decisions/examples_enforcement_action/evaluate/",
        {"inputs": {"violations": 3, "rectified": False, "serious": False}},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["outputs"] == {"action": "withdraw", "reason": "违规超过2次且未整改，撤回"}
    assert body["matched_rules"] == [
        {"rule_id": "action_withdraw", "index": 3, "annotation": "违规超过2次且未整改"}
    ]
    assert "规则 3（违规超过2次且未整改） → 处理=withdraw" in body["explanation"]
    assert body["required"]["examples_violation_risk"]["outputs"] == {"risk": "high"}


def test_api_evaluate_serialises_dates(api, directory):
    response = api("officer_pd").post(
        "/api/decisions/examples_hearing_deadline/evaluate/",
        {"inputs": {"notice_kind": "hearing", "served_on": "2025-09-30"}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["outputs"] == {"deadline": "2025-10-14", "working_days": 5}


@pytest.mark.parametrize(
    ("key", "payload", "status", "message"),
    [
        ("no_such_table", {"inputs": {}}, 404, "不存在"),
        (
            "examples_enforcement_action",
            {"inputs": {"violations": "many", "rectified": False}},
            400,
            "应为数值",
        ),
        (
            "examples_enforcement_action",
            {"inputs": {"violations": -1, "rectified": False}},
            400,
            "没有规则与输入匹配",
        ),
        ("examples_enforcement_action", {"wrong": 1}, 400, "提交的数据有误"),
        (  # used to keep the worker busy for minutes turning it into an integer
            "examples_enforcement_action",
            {"inputs": {"violations": "1e20000000", "rectified": False}},
            400,
            "数值过大",
        ),
    ],
)
def test_api_evaluate_bad_input_is_a_4xx_with_a_chinese_message(
    api, directory, key, payload, status, message
):
    response = api("officer_pd").post(f"/api/decisions/{key}/evaluate/", payload, format="json")
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_enterprise_users_and_anonymous_visitors_are_refused(api, directory):
    assert api("ent_contractor").get("/api/decisions/").status_code == 403
    assert (
        api("ent_contractor")
        .post("/api/decisions/examples_violation_risk/evaluate/", {"inputs": {}}, format="json")
        .status_code
        == 403
    )
    assert api().get("/api/decisions/").status_code in (401, 403)
    assert _client("ent_contractor").get("/decisions/").status_code == 403


def test_list_page_shows_the_tables(directory):
    response = _client("reviewer_pd").get("/decisions/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "示例：违规处理决定" in page and "优先级（P）" in page and "汇集（C+）" in page


def test_table_page_renders_rules_readably_and_tests_with_inputs(directory):
    client = _client("legal_city")
    page = client.get("/decisions/examples_enforcement_action/").content.decode()
    assert "违规超过2次且未整改" in page and "<code>&gt; 2</code>" in page and "试算" in page
    assert 'name="serious"' in page  # the required decision's input is on the form too
    response = client.post(
        "/decisions/examples_enforcement_action/",
        {"violations": "3", "rectified": "false", "serious": "false"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="table-success" id="rule-3"' in page
    assert "违规超过2次且未整改，撤回" in page


def test_table_page_reports_bad_input_without_a_500(directory):
    response = _client("officer_pd").post(
        "/decisions/examples_enforcement_action/", {"violations": "三次", "rectified": "", "serious": ""}
    )
    assert response.status_code == 400
    assert "应为数值" in response.content.decode()


def test_unknown_table_page_is_404(directory):
    assert _client("officer_pd").get("/decisions/nope/").status_code == 404


def test_list_page_finds_a_table_by_name_or_key(directory):
    client = _client("reviewer_pd")
    by_name = client.get("/decisions/", {"q": "违规处理"}).content.decode()
    assert "/decisions/examples_enforcement_action/" in by_name and "/decisions/examples_credit_deductions/" not in by_name
    by_key = client.get("/decisions/", {"q": "CREDIT_deductions"}).content.decode()
    assert "/decisions/examples_credit_deductions/" in by_key and "/decisions/examples_enforcement_action/" not in by_key
    nomatch = client.get("/decisions/", {"q": "不存在的表"}).content.decode()
    assert "没有名称或标识含“不存在的表”的决策表" in nomatch
