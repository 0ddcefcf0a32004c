"""The process-operations API (流程运维接口): list cases by engine state, and retry/suspend/resume/terminate with a
reason — administrators only; refusals are 4xx with a message, nothing changed."""

from __future__ import annotations

import pytest

from processes import engine
from processes.models import InstanceStatus, ProcessInstance
from security.models import AuditEvent

from . import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky(publish):
    services.FAILURES["remaining"] = 0
    return publish("flaky")


def _start(user):
    return engine.start("test_flaky", variables={"district_code": "310115"}, acting_user=user("officer_pd"))


def test_incidents_are_listed_and_retried_through_the_api(api, flaky, user):
    services.FAILURES["remaining"] = 1
    incident = _start(user)
    running = _start(user)
    listed = api("admin").get("/api/operations/instances/", {"status": "error"}).json()
    assert [row["id"] for row in listed["results"]] == [incident.pk]
    row = listed["results"][0]
    assert row["error_element_id"] == "register" and "财政云接口无响应" in row["error_message"]
    assert row["held_messages"] == 0 and row["version"] == 1
    assert {r["id"] for r in api("admin").get("/api/operations/instances/").json()["results"]} >= {incident.pk,
                                                                                                     running.pk}
    response = api("admin").post(f"/api/instances/{incident.pk}/control/", {"action": "retry", "reason": "接口恢复"},
                                 format="json")
    assert response.status_code == 200 and response.json()["status"] == InstanceStatus.RUNNING
    assert AuditEvent.objects.get(action="process.retry").data["reason"] == "接口恢复"


def test_refusals_change_nothing(api, flaky, user):
    instance = _start(user)
    url = f"/api/instances/{instance.pk}/control/"
    no_reason = api("admin").post(url, {"action": "suspend"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    unknown = api("admin").post(url, {"action": "delete", "reason": "x"}, format="json")
    assert unknown.status_code == 400 and "action" in unknown.json()["errors"]
    wrong_state = api("admin").post(url, {"action": "resume", "reason": "x"}, format="json")
    assert wrong_state.status_code == 409 and "流程未挂起" in wrong_state.json()["detail"]
    not_json = api("admin").post(url, "不是 JSON", content_type="application/json")
    assert not_json.status_code == 400
    assert api("admin").post("/api/instances/999999/control/", {"action": "retry", "reason": "x"},
                             format="json").status_code == 404
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.RUNNING
    assert not AuditEvent.objects.filter(action__in=["process.suspend", "process.resume"]).exists()


def test_suspend_and_resume_through_the_api(api, flaky, user):
    instance = _start(user)
    url = f"/api/instances/{instance.pk}/control/"
    assert api("admin").post(url, {"action": "suspend", "reason": "核查"}, format="json").json()["status"] == "suspended"
    assert api("admin").post(url, {"action": "resume", "reason": "核查完毕"}, format="json").json()["status"] == "running"


def test_administrators_only(api, flaky, user):
    instance = _start(user)
    assert api("officer_pd").get("/api/operations/instances/").status_code == 403
    response = api("officer_pd").post(f"/api/instances/{instance.pk}/control/", {"action": "suspend", "reason": "x"},
                                      format="json")
    assert response.status_code == 403 and "仅系统管理员" in response.json()["detail"]
    assert api().get("/api/operations/instances/").status_code in (401, 403)
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.RUNNING
