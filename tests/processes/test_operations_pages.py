"""Process operations (流程运维) on the pages: the administrator's list of cases by engine state, and the controls on
a case page — retry after an incident, suspend, resume, terminate — each with a reason on the audit trail; refused
controls redraw the case page with the message and a 4xx, nothing changed."""

from __future__ import annotations

import pytest
from django.test import Client

from processes import engine
from processes.models import InstanceStatus, ProcessInstance
from security.models import AuditEvent
from tasks.models import WorkItem, WorkItemStatus

from . import services
from .conftest import ready_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky(publish):
    services.FAILURES["remaining"] = 0
    return publish("flaky")


def _start(user, **variables):
    return engine.start("test_flaky", variables={"district_code": "310115", **variables},
                        acting_user=user("officer_pd"))


def _incident(user):
    services.FAILURES["remaining"] = 1
    instance = _start(user)
    assert instance.status == InstanceStatus.ERROR
    return instance


def _as(client, user, username):
    client.force_login(user(username))
    return client


def _status(instance):
    return ProcessInstance.objects.get(pk=instance.pk).status


def test_an_incident_is_shown_to_the_administrator_and_retried_with_a_reason(client, flaky, user):
    instance = _incident(user)
    page = _as(client, user, "admin").get(f"/cases/{instance.pk}/").content.decode()
    assert "自动处理环节出现异常" in page and "<code>register</code>" in page and "财政云接口无响应" in page
    assert f'formaction="/cases/{instance.pk}/control/retry/"' in page
    assert "/control/resume/" not in page  # not suspended: not offered
    response = client.post(f"/cases/{instance.pk}/control/retry/", {"reason": "财政云接口恢复，重试"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{instance.pk}/"
    assert _status(instance) == InstanceStatus.RUNNING
    event = AuditEvent.objects.get(action="process.retry")
    assert event.actor.username == "admin" and event.data["reason"] == "财政云接口恢复，重试"
    assert "已重试流程" in client.get(response["Location"]).content.decode()


def test_others_see_the_incident_without_its_technical_message_and_no_controls(client, flaky, user):
    instance = _incident(user)
    page = _as(client, user, "officer_pd").get(f"/cases/{instance.pk}/").content.decode()
    assert "待系统管理员处理后继续办理" in page and "财政云接口无响应" not in page
    assert "流程管控" not in page
    response = client.post(f"/cases/{instance.pk}/control/retry/", {"reason": "想试试"})
    assert response.status_code == 403 and "仅系统管理员" in response.content.decode()
    assert _status(instance) == InstanceStatus.ERROR and not AuditEvent.objects.filter(action="process.retry").exists()


def test_a_control_without_a_reason_is_refused_and_changes_nothing(client, flaky, user):
    instance = _start(user)
    _as(client, user, "admin")
    response = client.post(f"/cases/{instance.pk}/control/suspend/", {"reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "未能挂起流程：请填写操作原因" in page and "流程管控" in page  # the case page again, controls still there
    too_long = client.post(f"/cases/{instance.pk}/control/suspend/", {"reason": "长" * 201})
    assert too_long.status_code == 400 and "不能超过 200 个字" in too_long.content.decode()
    assert _status(instance) == InstanceStatus.RUNNING
    assert not AuditEvent.objects.filter(action="process.suspend").exists()


def test_suspend_resume_and_terminate_from_the_case_page(client, flaky, user):
    instance = _start(user)
    _as(client, user, "admin")
    assert client.post(f"/cases/{instance.pk}/control/suspend/", {"reason": "投诉核查"}).status_code == 302
    assert _status(instance) == InstanceStatus.SUSPENDED
    page = client.get(f"/cases/{instance.pk}/").content.decode()
    assert "该案件已挂起" in page and "/control/resume/" in page and "/control/suspend/" not in page
    item = WorkItem.objects.get(instance_id=instance.pk, status=WorkItemStatus.OPEN)
    officer = Client()
    officer.force_login(user("officer_pd"))
    assert "该案件已挂起，恢复前不能办理" in officer.get(f"/tasks/{item.pk}/").content.decode()
    inbox = officer.get("/tasks/?tab=available").content.decode()
    assert f'data-item="{item.pk}"' in inbox and "案件已挂起" in inbox
    # the state moved on: suspending again is a conflict, the page says so
    again = client.post(f"/cases/{instance.pk}/control/suspend/", {"reason": "重复操作"})
    assert again.status_code == 409 and "不能挂起" in again.content.decode()
    assert client.post(f"/cases/{instance.pk}/control/resume/", {"reason": "核查完毕"}).status_code == 302
    assert _status(instance) == InstanceStatus.RUNNING and list(ready_tasks(instance)) == ["confirm"]
    assert "案件已挂起" not in officer.get("/tasks/?tab=available").content.decode()
    assert client.post(f"/cases/{instance.pk}/control/terminate/", {"reason": "申请人撤回"}).status_code == 302
    assert _status(instance) == InstanceStatus.TERMINATED
    page = client.get(f"/cases/{instance.pk}/").content.decode()
    assert "流程管控" not in page  # nothing left to control
    reasons = list(AuditEvent.objects.filter(action__in=["process.suspend", "process.resume", "process.terminate"])
                   .order_by("id").values_list("data__reason", flat=True))
    assert reasons == ["投诉核查", "核查完毕", "申请人撤回"]


def test_an_unknown_control_or_a_get_is_not_an_operation(client, flaky, user):
    instance = _start(user)
    _as(client, user, "admin")
    assert client.post(f"/cases/{instance.pk}/control/delete/", {"reason": "x"}).status_code == 404
    assert client.get(f"/cases/{instance.pk}/control/retry/").status_code == 405
    assert client.post("/cases/999999/control/retry/", {"reason": "x"}).status_code == 404


def test_the_operations_list_counts_and_filters_by_state(client, flaky, user):
    incident = _incident(user)
    running = _start(user)
    engine.suspend(_start(user).pk, acting_user=user("admin"), reason="暂缓")
    _as(client, user, "admin")
    page = client.get("/operations/processes/").content.decode()
    assert "流程运维" in page and f"案件号 {incident.pk}" in page and f"案件号 {running.pk}" in page
    assert "异常 <span class=\"badge text-bg-danger\">1</span>" in page
    errors = client.get("/operations/processes/?status=error").content.decode()
    assert f"案件号 {incident.pk}" in errors and f"案件号 {running.pk}" not in errors and "财政云接口无响应" in errors
    found = client.get(f"/operations/processes/?q={running.pk}").content.decode()
    assert f"案件号 {running.pk}" in found and f"案件号 {incident.pk}" not in found
    none = client.get("/operations/processes/?q=不存在的编号&status=bogus&process=nope&page=abc")
    assert none.status_code == 200 and "没有符合条件的流程实例" in none.content.decode()


def test_the_operations_list_is_for_administrators_only(client, flaky, user):
    _start(user)
    assert _as(client, user, "officer_pd").get("/operations/processes/").status_code == 403
    assert _as(client, user, "ent_contractor").get("/operations/processes/").status_code == 403
    client.logout()
    assert client.get("/operations/processes/").status_code == 302  # to the login page


def test_the_administrators_home_page_counts_incidents_and_suspended_cases(client, flaky, user):
    _incident(user)
    engine.suspend(_start(user).pk, acting_user=user("admin"), reason="暂缓")
    home = _as(client, user, "admin").get("/").content.decode()
    assert "异常待处理 1 个、已挂起 1 个流程实例" in home and 'href="/operations/processes/?status=error"' in home
    assert "流程运维" not in _as(client, user, "officer_pd").get("/").content.decode()
