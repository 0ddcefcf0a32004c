"""The "done when" path over HTTP: publish a batch, deliver, rectify as the enterprise in the inbox task page
(form, evidence upload, e-signature commitment), return for evidence, resubmit, accept, review, approve."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from domain.enterprises.models import CaseState, CheckCase, QualificationState
from domain.organisations.models import User
from tasks.selectors import items_of_instance
from tests.domain.enterprises import factories


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _item(case: CheckCase):
    return next(i for i in items_of_instance(case.process_instance_id) if i.status in ("open", "claimed"))


def _rectify(case: CheckCase) -> None:
    ent = _client("ent_contractor")
    item = _item(case)
    assert item.element_id == "rectify"
    assert ent.post(f"/tasks/{item.pk}/claim/").status_code == 302  # 认领
    page = ent.get(f"/tasks/{item.pk}/")
    assert page.status_code == 200 and "整改措施" in page.content.decode()
    missing = ent.post(f"/tasks/{item.pk}/", {"action": "complete", "f.measures": "补充人员"})
    assert missing.status_code == 400  # no evidence, no commitment: shown on the form, nothing saved
    upload = SimpleUploadedFile("社保证明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    done = ent.post(
        f"/tasks/{item.pk}/",
        {
            "action": "complete",
            "f.measures": "新增注册建造师3名",
            "f.evidence.0": upload,
            "f.commitment": "on",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]


def _officer(case: CheckCase, username: str, element: str, data: dict[str, str]) -> None:
    item = _item(case)
    assert item.element_id == element
    _client(username).post(f"/tasks/{item.pk}/claim/")
    resp = _client(username).post(
        f"/tasks/{item.pk}/", {"action": "complete", **{f"f.{k}": v for k, v in data.items()}}
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]


@pytest.mark.django_db
def test_check_batch_in_the_browser(directory, publish_models):
    publish_models("qualification_dynamic_check", "revocation")
    qual = factories.qualification(directory["contractor"], short=2)
    officer = _client("officer_pd")
    assert (
        officer.post("/enterprises/batches/", {"title": "浏览器批次", "kind": "qualification"}).status_code
        == 302
    )
    case = CheckCase.objects.get(qualification=qual)
    notice = case.notices.get()
    assert (
        _client("ent_contractor")
        .post(f"/enterprises/notices/{notice.pk}/", {"action": "receive"})
        .status_code
        == 302
    )
    _rectify(case)
    bad = _client("officer_pd").post(
        f"/tasks/{_item(case).pk}/", {"action": "complete", "f.result": "return"}
    )
    assert bad.status_code == 400  # returning needs reasons
    _officer(case, "officer_pd", "accept", {"result": "return", "opinion": "请补充近3个月社保记录"})
    assert CheckCase.objects.get(pk=case.pk).state == CaseState.RETURNED
    _rectify(case)
    _officer(case, "officer_pd", "accept", {"result": "pass"})
    _officer(case, "reviewer_pd", "review", {"result": "pass"})
    _officer(case, "approver_pd", "approve", {"result": "pass"})
    assert CheckCase.objects.get(pk=case.pk).state == CaseState.RECTIFIED
    assert type(qual).objects.get(pk=qual.pk).state == QualificationState.VALID
    detail = officer.get(f"/enterprises/cases/{case.pk}/").content.decode()
    assert "第2轮" in detail
