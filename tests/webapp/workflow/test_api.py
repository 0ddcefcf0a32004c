"""The process/task REST API, driven through the real demo BPMN (general_application) and the engine."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Group
from gmssl import func, sm3

from domain.organisations.models import User
from processes.models import ProcessInstance
from tasks.models import WorkItem

from .conftest import application

pytestmark = pytest.mark.django_db


def _complete(client, task_id, **data):
    return client.post(f"/api/tasks/{task_id}/complete/", {"data": data}, format="json")


def test_process_list_shows_what_the_user_may_start(ga, api):
    rows = api("ent_contractor").get("/api/processes/").json()
    assert [(r["key"], r["may_start"]) for r in rows] == [("general_application", True)]
    assert rows[0]["start_form"]["required"][0] == "project_name"
    assert api("officer_pd").get("/api/processes/").json() == []  # a district officer may not start it
    leader_rows = api("leader").get("/api/processes/").json()  # may see all, but not start
    assert [(r["key"], r["may_start"]) for r in leader_rows] == [("general_application", False)]


def test_enterprise_starts_and_pudong_officer_claims_and_completes(filed, api, user):
    started = filed()
    assert started["status"] == "running"
    assert [t["name"] for t in started["open_tasks"]] == ["受理"]
    task_id = started["open_tasks"][0]["id"]

    officer = api("officer_pd")
    listed = officer.get("/api/tasks/?scope=available").json()
    assert [r["id"] for r in listed["results"]] == [task_id] and listed["count"] == 1
    assert api("officer_hp").get("/api/tasks/?scope=available").json()["count"] == 0

    detail = officer.get(f"/api/tasks/{task_id}/").json()
    assert detail["form"]["title"] == "受理" and detail["summary"] == "浦东张江科创中心二期（夜间施工许可）"

    assert officer.post(f"/api/tasks/{task_id}/claim/").status_code == 200
    assert officer.get("/api/tasks/?scope=mine").json()["count"] == 1
    done = _complete(officer, task_id, accept_decision="accept", accept_opinion="材料齐全，予以受理")
    assert done.status_code == 200, done.json()
    assert [t["name"] for t in done.json()["open_tasks"]] == ["审核"]

    case = api("ent_contractor").get(f"/api/instances/{started['id']}/").json()
    assert case["open_tasks"] == [{"id": case["open_tasks"][0]["id"], "name": "审核"}]
    assert (
        api("officer_pd").get(f"/api/instances/{started['id']}/").json()["variables"]["accept_decision"]
        == "accept"
    )
    assert [h["element_id"] for h in case["history"] if h["element_type"] == "UserTask"] == ["accept"]
    assert [h["actor"] for h in case["history"] if h["element_id"] == "accept"] == ["officer_pd"]
    diagram = api("officer_pd").get(f"/api/instances/{started['id']}/diagram/").json()
    assert "review" in diagram["active"] and "accept" in diagram["completed"]
    assert diagram["bpmn_xml"].startswith("<?xml")


def test_full_path_to_approval_with_four_eyes(filed, api):
    started = filed()
    accept_id = started["open_tasks"][0]["id"]
    _complete(api("officer_pd"), accept_id, accept_decision="accept", accept_opinion="予以受理")
    review_id = WorkItem.objects.get(instance_id=started["id"], element_id="review").pk
    assert (
        _complete(api("reviewer_pd"), review_id, review_decision="pass", review_opinion="同意").status_code
        == 200
    )
    approve_id = WorkItem.objects.get(instance_id=started["id"], element_id="approve").pk
    assert (
        _complete(
            api("approver_pd"), approve_id, approve_decision="approve", approve_opinion="批准"
        ).status_code
        == 200
    )
    instance = ProcessInstance.objects.get(pk=started["id"])
    assert instance.status == "completed" and instance.variables["outcome"] == "批准"


def test_four_eyes_violation_is_403(filed, api):
    started = filed()
    accept_id = started["open_tasks"][0]["id"]
    # the city officer accepts, then (holding the reviewer role too) tries to review the same case
    _complete(api("officer_city"), accept_id, accept_decision="accept", accept_opinion="予以受理")
    User.objects.get(username="officer_city").groups.add(Group.objects.get(name="reviewer"))
    review_id = WorkItem.objects.get(instance_id=started["id"], element_id="review").pk
    response = api("officer_city").post(f"/api/tasks/{review_id}/claim/")
    assert response.status_code == 403 and "四眼" in response.json()["detail"]
    response = _complete(api("officer_city"), review_id, review_decision="pass", review_opinion="同意")
    assert response.status_code == 403
    assert WorkItem.objects.get(pk=review_id).status == "open"


def test_wrong_user_gets_403_and_strangers_404(filed, api):
    task_id = filed()["open_tasks"][0]["id"]
    # a Pudong reviewer can see the Pudong case's item but is not a candidate
    assert api("reviewer_pd").post(f"/api/tasks/{task_id}/claim/").status_code == 403
    assert (
        _complete(api("reviewer_pd"), task_id, accept_decision="accept", accept_opinion="越权").status_code
        == 403
    )
    # another district's officer and another enterprise cannot even see it
    assert api("officer_hp").get(f"/api/tasks/{task_id}/").status_code == 404
    assert api("ent_employer").get(f"/api/tasks/{task_id}/").status_code == 404
    assert api("officer_hp").post(f"/api/tasks/{task_id}/claim/").status_code == 404


def test_unknown_ids_are_404(ga, api):
    client = api("officer_pd")
    assert client.get("/api/tasks/999999/").status_code == 404
    assert client.post("/api/tasks/999999/claim/").status_code == 404
    assert client.get("/api/instances/999999/").status_code == 404
    assert client.get("/api/instances/999999/diagram/").status_code == 404
    assert (
        api("ent_contractor")
        .post("/api/processes/nope/instances/", {"variables": {}}, format="json")
        .status_code
        == 404
    )


def test_double_claim_is_409(filed, api):
    task_id = filed()["open_tasks"][0]["id"]
    assert api("officer_pd").post(f"/api/tasks/{task_id}/claim/").status_code == 200
    response = api("officer_city").post(f"/api/tasks/{task_id}/claim/")
    assert response.status_code == 409 and "认领" in response.json()["detail"]


def test_invalid_task_form_is_400_with_chinese_field_messages(filed, api):
    task_id = filed()["open_tasks"][0]["id"]
    officer = api("officer_pd")
    response = _complete(officer, task_id, accept_decision="maybe")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {"accept_decision": ["请从给定选项中选择"], "accept_opinion": ["此项为必填项"]}
    assert WorkItem.objects.get(pk=task_id).status == "open"  # nothing happened


def test_invalid_start_form_is_400_and_starts_nothing(ga, api):
    bad = application(
        contact_phone="12345", planned_start="2026-02-30", lines=[{"item": "", "unit": "m", "quantity": -1}]
    )
    del bad["project_name"]
    response = api("ent_contractor").post(
        "/api/processes/general_application/instances/", {"variables": bad}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["project_name"] == ["此项为必填项"]
    assert errors["contact_phone"] == ["请填写 11 位手机号或带区号的固定电话"]
    assert errors["planned_start"] == ["日期格式应为 年-月-日（如 2025-03-01）"]
    assert errors["lines.0.quantity"] == ["必须大于 0"]
    assert errors["lines.0.item"] == ["此项为必填项"]
    assert not ProcessInstance.objects.exists()


def test_officer_may_not_start_an_enterprise_procedure(ga, api):
    response = api("officer_pd").post(
        "/api/processes/general_application/instances/", {"variables": application()}, format="json"
    )
    assert response.status_code == 403


def test_delegate_to_a_candidate_and_not_to_others(filed, api):
    task_id = filed()["open_tasks"][0]["id"]
    officer = api("officer_pd")
    officer.post(f"/api/tasks/{task_id}/claim/")
    bad = officer.post(f"/api/tasks/{task_id}/delegate/", {"to": "officer_hp"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"] == {"to": ["不是候选办理人"]}
    assert officer.post(f"/api/tasks/{task_id}/delegate/", {"to": "ghost"}, format="json").status_code == 400
    ok = officer.post(f"/api/tasks/{task_id}/delegate/", {"to": "officer_city"}, format="json")
    assert ok.status_code == 200 and ok.json()["assignee"] == "officer_city"


def test_unclaim_and_draft(filed, api):
    task_id = filed()["open_tasks"][0]["id"]
    officer = api("officer_pd")
    officer.post(f"/api/tasks/{task_id}/claim/")
    draft = officer.post(f"/api/tasks/{task_id}/draft/", {"data": {"accept_opinion": "待核"}}, format="json")
    assert draft.status_code == 200 and draft.json()["data"] == {"accept_opinion": "待核"}
    assert officer.post(f"/api/tasks/{task_id}/unclaim/").status_code == 200
    assert api("officer_city").get("/api/tasks/?scope=available").json()["count"] == 1


def test_attachment_upload_is_hashed_and_linked_to_the_case(ga, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tasks.models import Attachment

    client = api("ent_contractor")
    upload = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    response = client.post("/api/attachments/", {"file": upload}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert body["sha256"] == hashlib.sha256(b"%PDF-1.4 demo").hexdigest()
    assert body["sm3"] == sm3.sm3_hash(func.bytes_to_list(b"%PDF-1.4 demo"))
    started = client.post(
        "/api/processes/general_application/instances/",
        {"variables": application(application_file=body["id"])},
        format="json",
    )
    assert started.status_code == 201
    assert Attachment.objects.get(pk=body["id"]).instance_id == started.json()["id"]
    # someone else's attachment id cannot be smuggled into another enterprise's application
    other = api("ent_employer").post(
        "/api/processes/general_application/instances/",
        {"variables": application(application_file=body["id"], district_code="310101")},
        format="json",
    )
    assert other.status_code == 400 and "application_file" in other.json()["errors"]


def test_bad_upload_type_is_400(ga, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = api("ent_contractor").post("/api/attachments/", {"file": upload}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_task_list_query_count_is_bounded(filed, api, django_assert_max_num_queries):
    for _ in range(5):
        filed()
    client = api("officer_pd")
    for scope in ("available", "mine", "all"):
        with django_assert_max_num_queries(8):
            response = client.get(f"/api/tasks/?scope={scope}&overdue=false")
        assert response.status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/tasks/?scope=available").json()["count"] == 5


def test_process_list_query_count(ga, api, django_assert_max_num_queries):
    client = api("ent_contractor")
    with django_assert_max_num_queries(6):
        assert client.get("/api/processes/").status_code == 200


def test_enterprise_sees_its_case_but_not_others(filed, api):
    started = filed()
    assert api("ent_contractor_legal").get(f"/api/instances/{started['id']}/").status_code == 200
    assert api("ent_employer").get(f"/api/instances/{started['id']}/").status_code == 404
    assert api("officer_hp").get(f"/api/instances/{started['id']}/").status_code == 404
    assert api("officer_pd").get(f"/api/instances/{started['id']}/").status_code == 200


def test_openapi_schema_documents_the_endpoints(directory, api):
    schema = api("officer_pd").get("/api/schema/?format=json").json()
    for path in (
        "/api/processes/",
        "/api/processes/{key}/instances/",
        "/api/tasks/",
        "/api/tasks/{id}/claim/",
        "/api/instances/{id}/diagram/",
    ):
        assert path in schema["paths"], path


def test_substitute_completes_for_the_principal_and_history_says_so(filed, api, user):
    from django.utils import timezone

    from security.models import AuditEvent
    from tasks.services import set_substitute

    started = filed()
    task_id = started["open_tasks"][0]["id"]
    today = timezone.localdate()
    officer = user("officer_pd")
    set_substitute(
        principal=officer, substitute=user("reviewer_pd"), starts_on=today, ends_on=today, acting_user=officer
    )
    stand_in = api("reviewer_pd")
    assert stand_in.get("/api/tasks/?scope=available").json()["count"] == 1
    assert stand_in.post(f"/api/tasks/{task_id}/claim/").json()["assignee"] == "officer_pd"
    done = _complete(stand_in, task_id, accept_decision="accept", accept_opinion="代为受理")
    assert done.status_code == 200
    history = api("officer_pd").get(f"/api/instances/{started['id']}/").json()["history"]
    accept = next(h for h in history if h["element_id"] == "accept")
    assert accept["actor"] == "reviewer_pd" and accept["on_behalf_of"] == "officer_pd"
    event = AuditEvent.objects.filter(action="tasks.completed").get()
    assert event.actor.username == "reviewer_pd" and event.on_behalf_of.username == "officer_pd"
    # the stand-in accepted for the officer, so four-eyes keeps both away from the review
    review_id = WorkItem.objects.get(instance_id=started["id"], element_id="review").pk
    assert stand_in.post(f"/api/tasks/{review_id}/claim/").status_code == 403


def test_token_auth_and_scope_all(filed, api, client):
    started = filed()
    token = client.post(
        "/api/auth/token/",
        {"username": "leader", "password": "jianguan-demo"},
        content_type="application/json",
    ).json()["token"]
    from rest_framework.test import APIClient

    leader = APIClient()
    leader.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    everything = leader.get("/api/tasks/?scope=all").json()
    assert everything["count"] == 1 and everything["results"][0]["instance_id"] == started["id"]
    assert leader.get("/api/tasks/?scope=available").json()["count"] == 0  # may see, not a candidate
    assert APIClient().get("/api/tasks/").status_code in (401, 403)


def test_enterprise_does_not_read_internal_opinions(filed, api):
    started = filed()
    task_id = started["open_tasks"][0]["id"]
    officer = api("officer_pd")
    officer.post(f"/api/tasks/{task_id}/claim/")
    officer.post(
        f"/api/tasks/{task_id}/draft/", {"data": {"accept_opinion": "内部意见：待核实"}}, format="json"
    )
    assert api("ent_contractor").get(f"/api/tasks/{task_id}/").json()["data"] is None
    assert api("officer_city").get(f"/api/tasks/{task_id}/").json()["data"] == {
        "accept_opinion": "内部意见：待核实"
    }
    _complete(officer, task_id, accept_decision="accept", accept_opinion="内部意见：材料齐全")
    assert api("ent_contractor").get(f"/api/tasks/{task_id}/").json()["data"] is None
    case = api("ent_contractor").get(f"/api/instances/{started['id']}/").json()["variables"]
    assert "accept_opinion" not in case and case["project_name"] == "浦东张江科创中心二期"
    assert api("officer_pd").get(f"/api/instances/{started['id']}/").json()["variables"]["accept_opinion"]


def test_start_keeps_only_the_fields_the_start_form_declares(ga, api):
    smuggled = {**application(), "outcome": "批准", "accept_decision": "accept", "contractor_org_id": 1}
    response = api("ent_employer").post(
        "/api/processes/general_application/instances/", {"variables": smuggled}, format="json"
    )
    assert response.status_code == 201, response.content
    variables = ProcessInstance.objects.get().data
    assert variables["project_name"] == application()["project_name"]
    assert not {"outcome", "accept_decision", "contractor_org_id"} & set(variables)
