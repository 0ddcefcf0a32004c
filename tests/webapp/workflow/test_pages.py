"""Pages: inbox tabs, the task page with its server-rendered form, the case page with its diagram, start pages,
my applications, substitutes — through the Django test client with the real engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from processes.models import ProcessInstance
from tasks.models import Attachment, Substitution, WorkItem
from tasks.services import set_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(directory):
    def make(username: str) -> Client:
        from domain.organisations.models import User

        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


START_POST = {
    "action": "start",
    "f.project_name": "闵行颛桥厂房改造",
    "f.application_type": "施工现场临时设施备案",
    "f.district_code": "310115",
    "f.contact_phone": "021-54881234",
    "f.planned_start": "2026-04-01",
    "f.contract_amount": "1,200,000.00",
    "f.uses_public_funds": "true",
    "f.description": "在厂区内搭设临时办公用房两栋，申请备案。",
    "f.lines.0.item": "彩钢板活动房",
    "f.lines.0.unit": "m²",
    "f.lines.0.quantity": "320",
    "f.lines.0.unit_price": "450",
    "f.lines.3.item": "临时围挡",
    "f.lines.3.unit": "m",
    "f.lines.3.quantity": "120.5",
}


def test_start_page_renders_every_widget(ga, browser):
    html = browser("ent_contractor").get("/processes/general_application/start/").content.decode()
    assert 'name="f.project_name"' in html and 'type="date"' in html and 'name="f.application_type"' in html
    assert '<option value="310115"' in html and "浦东新区" in html  # enum with labels
    assert 'role="switch"' in html  # boolean
    assert 'input-group-text">元' in html  # money
    assert 'type="file"' in html  # attachment
    assert 'data-jg-template="lines"' in html and "f.lines.__i__.quantity" in html  # repeatable rows
    assert "<textarea" in html


def test_start_page_is_404_for_who_may_not_start(ga, browser):
    assert browser("officer_pd").get("/processes/general_application/start/").status_code == 404


def test_start_from_the_web_with_rows_money_and_a_file(ga, browser):
    client = browser("ent_contractor")
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client.post(
        "/processes/general_application/start/", {**START_POST, "f.application_file": upload}
    )
    assert response.status_code == 302
    instance = ProcessInstance.objects.get()
    v = instance.variables
    assert v["contract_amount"] == 1200000 and v["uses_public_funds"] is True
    assert v["lines"] == [
        {"item": "彩钢板活动房", "unit": "m²", "quantity": 320, "unit_price": 450},
        {"item": "临时围挡", "unit": "m", "quantity": 120.5},
    ]
    attachment = Attachment.objects.get()
    assert v["application_file"] == attachment.pk and attachment.instance_id == instance.pk
    assert response["Location"] == f"/cases/{instance.pk}/"
    case = client.get(response["Location"]).content.decode()
    assert (
        "彩钢板活动房" in case and "1,200,000.00 元" in case and "方案.pdf" in case and attachment.sm3 in case
    )


def test_invalid_start_form_redisplays_with_field_messages(ga, browser):
    post = {**START_POST, "f.contact_phone": "123", "f.lines.0.quantity": "很多", "f.planned_start": ""}
    response = browser("ent_contractor").post("/processes/general_application/start/", post)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写 11 位手机号或带区号的固定电话" in html
    assert "应填写数字" in html
    assert "此项为必填项" in html
    assert 'value="闵行颛桥厂房改造"' in html  # what was typed is kept
    assert not ProcessInstance.objects.exists()


@pytest.mark.parametrize("amount", ["1e99999", "99999999999999999999", "1.5e309"])
@pytest.mark.parametrize("action", ["start", "draft"])
def test_a_number_no_form_can_hold_is_a_field_message(ga, browser, amount, action):
    """``1e99999`` became a 100,000-digit integer that no page could print (a 500, on submit and on saving a
    draft); numbers of 16 or more digits now stay text and the validator asks for a number."""
    client = browser("ent_contractor")
    response = client.post("/processes/general_application/start/",
                           {**START_POST, "action": action, "f.contract_amount": amount})
    if action == "start":
        assert response.status_code == 400 and "应填写数字" in response.content.decode()
    assert client.get("/processes/general_application/start/").status_code == 200
    assert not ProcessInstance.objects.exists()


def test_start_draft_is_kept(ga, browser):
    client = browser("ent_contractor")
    client.post("/processes/general_application/start/", {"action": "draft", "f.project_name": "草稿项目"})
    assert 'value="草稿项目"' in client.get("/processes/general_application/start/").content.decode()
    assert not ProcessInstance.objects.exists()


def test_officer_inbox_claim_and_complete_in_pages(filed, browser):
    started = filed()
    item_id = started["open_tasks"][0]["id"]
    officer = browser("officer_pd")
    page = officer.get("/tasks/?tab=available").content.decode()
    assert "浦东张江科创中心二期" in page and "认领" in page
    assert "待认领" in officer.get(f"/tasks/{item_id}/").content.decode()
    assert officer.post(f"/tasks/{item_id}/claim/").status_code == 302
    task_page = officer.get(f"/tasks/{item_id}/").content.decode()
    assert 'name="f.accept_decision"' in task_page and "予以受理" in task_page
    assert "C35 混凝土底板" in task_page  # the application, read-only, beside the form
    bad = officer.post(f"/tasks/{item_id}/", {"action": "complete", "f.accept_decision": "accept"})
    assert bad.status_code == 400 and "此项为必填项" in bad.content.decode()
    draft = officer.post(f"/tasks/{item_id}/", {"action": "draft", "f.accept_opinion": "初审中"})
    assert draft.status_code == 302 and WorkItem.objects.get(pk=item_id).draft == {"accept_opinion": "初审中"}
    done = officer.post(
        f"/tasks/{item_id}/",
        {"action": "complete", "f.accept_decision": "accept", "f.accept_opinion": "予以受理"},
    )
    assert done.status_code == 302
    assert WorkItem.objects.get(pk=item_id).status == "completed"
    assert WorkItem.objects.get(instance_id=started["id"], element_id="review").status == "open"


def test_wrong_user_sees_no_form_and_strangers_get_404(filed, browser):
    item_id = filed()["open_tasks"][0]["id"]
    html = browser("reviewer_pd").get(f"/tasks/{item_id}/").content.decode()
    assert "不是它的办理人" in html and 'name="f.accept_decision"' not in html
    assert browser("officer_hp").get(f"/tasks/{item_id}/").status_code == 404
    response = browser("reviewer_pd").post(f"/tasks/{item_id}/claim/")  # the task page again, with the reason
    assert response.status_code == 403 and "候选办理人" in response.content.decode()
    assert WorkItem.objects.get(pk=item_id).status == "open"


def test_overdue_items_are_highlighted_and_in_the_overdue_tab(filed, browser):
    item_id = filed()["open_tasks"][0]["id"]
    set_due(WorkItem.objects.get(pk=item_id), due_at=timezone.now() - timedelta(days=1))
    officer = browser("officer_pd")
    html = officer.get("/tasks/?tab=overdue").content.decode()
    assert "jg-overdue" in html and "已超期" in html
    assert "没有超期事项" in browser("officer_mh").get("/tasks/?tab=overdue").content.decode()


def test_inbox_search_filter_and_pagination(filed, browser, django_assert_max_num_queries):
    for i in range(23):
        filed(project_name=f"项目{i:02d}")
    officer = browser("officer_pd")
    with django_assert_max_num_queries(14):
        first = officer.get("/tasks/?tab=available").content.decode()
    assert "第 1 / 2 页" in first
    assert "项目22" in officer.get("/tasks/?tab=available&q=项目22").content.decode()
    assert "没有符合条件的事项" in officer.get("/tasks/?tab=available&q=不存在").content.decode()
    assert "项目00" in officer.get("/tasks/?tab=available&page=2").content.decode()


def test_case_page_draws_the_diagram_with_states(filed, browser, api):
    started = filed()
    item_id = started["open_tasks"][0]["id"]
    api("officer_pd").post(
        f"/api/tasks/{item_id}/complete/",
        {"data": {"accept_decision": "accept", "accept_opinion": "受理"}},
        format="json",
    )
    html = browser("ent_contractor").get(f"/cases/{started['id']}/").content.decode()
    assert "/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in html
    assert '"active": ["review"]' in html and '"accept"' in html
    assert "办理记录" in html and "陈晓东" in html  # who accepted
    assert browser("ent_employer").get(f"/cases/{started['id']}/").status_code == 404


def test_my_applications_lists_only_my_enterprise(filed, browser, django_assert_max_num_queries):
    filed(project_name="我方项目")
    client = browser("ent_contractor_legal")
    with django_assert_max_num_queries(10):
        html = client.get("/my/applications/").content.decode()
    assert "我方项目" in html
    assert "还没有提交过申请" in browser("ent_employer").get("/my/applications/").content.decode()
    assert "没有符合条件的申请" in client.get("/my/applications/?status=completed").content.decode()


def test_start_list(ga, browser):
    assert "填写申请" in browser("ent_contractor").get("/processes/").content.decode()
    assert "暂无您可以发起的事项" in browser("officer_pd").get("/processes/").content.decode()


def test_substitute_page_sets_a_substitute(directory, browser):
    client = browser("officer_pd")
    today = timezone.localdate()
    response = client.post(
        "/tasks/substitutes/",
        {
            "substitute": "reviewer_pd",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "reason": "出差",
        },
    )
    assert response.status_code == 302
    assert Substitution.objects.get().substitute.username == "reviewer_pd"
    bad = client.post("/tasks/substitutes/", {"substitute": "officer_hp", "starts_on": "", "ends_on": ""})
    assert bad.status_code == 400 and "请选择本单位的一名同事" in bad.content.decode()


def test_attachments_download_only_for_who_may_see_the_case(ga, browser):
    client = browser("ent_contractor")
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    client.post("/processes/general_application/start/", {**START_POST, "f.application_file": upload})
    attachment = Attachment.objects.get()
    assert "方案" not in attachment.file.name  # stored under an unguessable name
    url = f"/attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    assert browser("officer_pd").get(url).status_code == 200  # the case's district
    assert browser("ent_employer").get(url).status_code == 404
    assert browser("officer_hp").get(url).status_code == 404


def test_case_page_hides_internal_opinions_from_the_enterprise(filed, browser, api):
    started = filed()
    item_id = started["open_tasks"][0]["id"]
    api("officer_pd").post(
        f"/api/tasks/{item_id}/complete/",
        {"data": {"accept_decision": "accept", "accept_opinion": "内部意见：材料齐全"}},
        format="json",
    )
    assert "内部意见" not in browser("ent_contractor").get(f"/cases/{started['id']}/").content.decode()
    assert "内部意见" in browser("officer_pd").get(f"/cases/{started['id']}/").content.decode()


def test_home_card_counts_work_and_overdue(filed, browser):
    item_id = filed()["open_tasks"][0]["id"]
    set_due(WorkItem.objects.get(pk=item_id), due_at=timezone.now() - timedelta(days=1))
    html = browser("officer_pd").get("/").content.decode()
    assert "待认领 1 件" in html and "已超期 1 件" in html and "/tasks/?tab=overdue" in html
    assert "待办概况" not in browser("officer_mh").get("/").content.decode()


def test_an_upload_from_someone_who_may_not_act_is_not_kept(filed, browser, api):
    """A regulator who may look at the applicant's 补正材料 step but not do it: the refused post leaves no file on
    the case."""
    item_id = filed()["open_tasks"][0]["id"]
    officer = api("officer_pd")
    officer.post(f"/api/tasks/{item_id}/claim/")
    done = officer.post(f"/api/tasks/{item_id}/complete/",
                        {"data": {"accept_decision": "supplement", "accept_opinion": "请补充图纸"}}, format="json")
    assert done.status_code == 200, done.content
    supplement = WorkItem.objects.get(element_id="supplement", status="open")
    assert browser("officer_pd").get(f"/tasks/{supplement.pk}/").status_code == 200  # may look
    upload = SimpleUploadedFile("冒充.pdf", b"%PDF-1.4 not mine", content_type="application/pdf")
    response = browser("officer_pd").post(
        f"/tasks/{supplement.pk}/", {"action": "draft", "f.supplement_note": "代填", "f.supplement_file": upload}
    )
    assert response.status_code == 403 and "不能办理" in response.content.decode()
    assert not Attachment.objects.exists()
    assert WorkItem.objects.get(pk=supplement.pk).draft in (None, {})


def _rows() -> dict:
    from security.models import AuditEvent

    return {"items": list(WorkItem.objects.order_by("pk").values_list("pk", "status", "assignee_id", "draft")),
            "instances": list(ProcessInstance.objects.order_by("pk").values_list("pk", "status")),
            "attachments": Attachment.objects.count(), "audit": AuditEvent.objects.exclude(action__startswith="security.log").count()}  # not sign-ins


def test_a_refused_step_is_the_task_page_again_with_a_4xx_and_nothing_kept(filed, browser, api, monkeypatch):
    """Done meanwhile (409), claimed by someone else (409), a refusal after the upload was stored (rolled back, the
    typed text kept): the task page again with the message, never a redirect with a flash."""
    item_id = filed()["open_tasks"][0]["id"]
    officer = browser("officer_pd")
    assert officer.post(f"/tasks/{item_id}/claim/").status_code == 302
    before = _rows()
    again = browser("officer_city").post(f"/tasks/{item_id}/claim/")
    assert again.status_code in (403, 409) and "认领" in again.content.decode()
    assert _rows() == before

    from domain.errors import ConflictError
    from webapp.workflow import pages_inbox

    def refused(item, *, user, data):
        raise ConflictError("该事项状态已变化，请刷新后重试。")

    monkeypatch.setattr(pages_inbox, "complete_item", refused)
    response = officer.post(f"/tasks/{item_id}/", {"action": "complete", "f.accept_decision": "accept",
                                                   "f.accept_opinion": "材料齐全，予以受理"})
    body = response.content.decode()
    assert response.status_code == 409 and "该事项状态已变化，请刷新后重试。" in body
    assert "材料齐全，予以受理" in body  # what was typed is still in the form
    assert _rows() == before
    monkeypatch.undo()

    api("officer_pd").post(f"/api/tasks/{item_id}/complete/",
                           {"data": {"accept_decision": "accept", "accept_opinion": "予以受理"}}, format="json")
    assert WorkItem.objects.get(pk=item_id).status == "completed"
    before = _rows()
    late = officer.post(f"/tasks/{item_id}/", {"action": "complete", "f.accept_decision": "reject",
                                               "f.accept_opinion": "晚到的意见"})
    assert late.status_code == 409 and "不能再办理" in late.content.decode()
    assert _rows() == before


def test_an_upload_on_a_refused_step_is_taken_back(filed, browser, api, monkeypatch):
    item_id = filed()["open_tasks"][0]["id"]
    officer = api("officer_pd")
    officer.post(f"/api/tasks/{item_id}/claim/")
    officer.post(f"/api/tasks/{item_id}/complete/",
                 {"data": {"accept_decision": "supplement", "accept_opinion": "请补充图纸"}}, format="json")
    supplement = WorkItem.objects.get(element_id="supplement", status="open")
    applicant = browser("ent_contractor")
    if supplement.status == "open":
        assert applicant.post(f"/tasks/{supplement.pk}/claim/").status_code == 302
    before = _rows()

    from domain.errors import ProcedureError
    from webapp.workflow import pages_inbox

    def refused(item, *, user, data):
        assert Attachment.objects.filter(pk=data["supplement_file"]).exists()  # stored, then refused
        raise ProcedureError("补正期限已过，不能再补正。")

    monkeypatch.setattr(pages_inbox, "complete_item", refused)
    upload = SimpleUploadedFile("图纸.pdf", b"%PDF-1.4 drawings", content_type="application/pdf")
    response = applicant.post(f"/tasks/{supplement.pk}/", {"action": "complete", "f.supplement_note": "已补充图纸",
                                                            "f.supplement_file": upload})
    assert response.status_code == 400 and "补正期限已过" in response.content.decode()
    assert "已补充图纸" in response.content.decode()
    assert _rows() == before and not Attachment.objects.exists()


def test_the_case_history_names_the_branch_taken(filed, browser, api):
    started = filed()
    item_id = started["open_tasks"][0]["id"]
    officer = api("officer_pd")
    officer.post(f"/api/tasks/{item_id}/claim/")
    officer.post(f"/api/tasks/{item_id}/complete/",
                 {"data": {"accept_decision": "reject", "accept_opinion": "不属于受理范围"}}, format="json")
    page = browser("ent_contractor").get(f"/cases/{started['id']}/").content.decode()
    history = page.split("办理记录", 1)[1].split("</ol>", 1)[0]
    assert "是否受理？</strong> · → 不予受理" in history and "mark_rejected" not in history
