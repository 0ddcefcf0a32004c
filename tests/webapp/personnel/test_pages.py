"""Personnel pages: applying, the enterprise's staff list, certificate actions and download, scoped query and
export, identity correction, rename progress (htmx) and the help assistant; bad input → 4xx in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from domain.organisations.models import User
from domain.personnel.models import HelpRequest, Person, RenameBatch, SafetyCertificate
from tests.domain.personnel.factories import TrainingRecordFactory, employed_person, valid_certificate


@pytest.fixture
def person_user(directory):
    user = User.objects.create(username="person_p", full_name="张页面")
    user.groups.add(Group.objects.get(name="applicant"))
    return user


@pytest.fixture
def person(person_user, directory):
    return employed_person(directory["contractor"], name="张页面", user=person_user, id_number="310115199001011234")


def _login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.django_db
def test_person_applies_and_a_duplicate_is_refused_with_409(client, person, publish_models):
    publish_models("safety_staff_certification")
    _login(client, "person_p")
    resp = client.post("/personnel/apply/", {"klass": "C2", "job_title": "专职安全员"})
    assert resp.status_code == 302
    assert SafetyCertificate.objects.get(person=person).state == "applied"
    resp = client.post("/personnel/apply/", {"klass": "C1"})
    assert resp.status_code == 409 and "不能重复申请" in resp.content.decode()
    resp = client.post("/personnel/apply/", {"klass": "Z"})
    assert resp.status_code == 400 and "请选择证书类别" in resp.content.decode()
    page = client.get("/personnel/").content.decode()
    assert "安管人员考核发证" in page and "C2类" in page


@pytest.mark.django_db
def test_enterprise_sees_its_staff_and_not_others(client, person, directory):
    cert = valid_certificate(person)
    other = employed_person(directory["lessor"], name="李别家")
    other_cert = valid_certificate(other)
    _login(client, "ent_contractor")
    page = client.get("/personnel/").content.decode()
    assert "张页面" in page and "李别家" not in page
    assert client.get(f"/personnel/certificates/{cert.pk}/").status_code == 200
    assert client.get(f"/personnel/certificates/{other_cert.pk}/").status_code == 404
    assert client.get(f"/personnel/archive/{other.pk}/").status_code == 404
    assert client.get(f"/personnel/archive/{person.pk}/").status_code == 200
    person.employments.update(ended_on=dt.date(2026, 11, 1))  # left the company: its file is no longer theirs
    assert client.get(f"/personnel/archive/{person.pk}/").status_code == 404


@pytest.mark.django_db
def test_holder_downloads_the_sealed_certificate_and_others_cannot(client, person, directory):
    from domain.personnel.services import apply_for_certificate, issue_certificate

    cert = apply_for_certificate(person=person, klass="C3", employer=directory["contractor"])
    issue_certificate(certificate=cert)
    _login(client, "person_p")
    resp = client.get(f"/personnel/certificates/{cert.pk}/download/")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert b"".join(resp.streaming_content).startswith(b"%PDF")
    _login(client, "ent_employer")
    assert client.get(f"/personnel/certificates/{cert.pk}/download/").status_code == 404


@pytest.mark.django_db
def test_extension_from_the_page_is_decided_automatically(client, person, publish_models):
    publish_models("safety_staff_extension")
    cert = valid_certificate(person, valid_to=timezone.localdate() + dt.timedelta(days=30))
    TrainingRecordFactory(person=person, hours=Decimal("40"), completed_on=timezone.localdate())
    _login(client, "person_p")
    resp = client.post(f"/personnel/certificates/{cert.pk}/extend/", follow=True)
    assert "已自动办结" in resp.content.decode()
    assert SafetyCertificate.objects.get(pk=cert.pk).state == "extended"
    _login(client, "ent_employer")  # not the holder's employer
    resp = client.post(f"/personnel/certificates/{cert.pk}/cancel/", {"reason_code": "own_request"})
    assert resp.status_code == 404


@pytest.mark.django_db
def test_cancel_without_a_reason_is_a_400(client, person, publish_models):
    publish_models("safety_staff_cancellation")
    cert = valid_certificate(person)
    _login(client, "person_p")
    resp = client.post(f"/personnel/certificates/{cert.pk}/cancel/", {"reason_code": ""})
    assert resp.status_code == 400 and "请选择注销事由" in resp.content.decode()


@pytest.mark.django_db
def test_query_is_scoped_by_district_and_export_masks_id_numbers(client, person):
    valid_certificate(person)
    _login(client, "officer_hp")  # Huangpu: the Pudong contractor's staff are not theirs
    assert "张页面" not in client.get("/personnel/query/").content.decode()
    _login(client, "officer_pd")
    assert "张页面" in client.get("/personnel/query/?text=张页面").content.decode()
    assert "张页面" in client.get("/personnel/query/?text=310115199001011234").content.decode()
    resp = client.get("/personnel/query/export.xlsx?klass=C2")
    rows = list(load_workbook(BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "张页面" and rows[1][2] == "310***********1234"


@pytest.mark.django_db
def test_officer_corrects_identity_and_an_enterprise_cannot(client, person):
    valid_certificate(person)
    _login(client, "ent_contractor")
    resp = client.post(f"/personnel/archive/{person.pk}/correct/", {"name": "张改名", "reason": "户籍更名"})
    assert resp.status_code == 403
    _login(client, "officer_pd")
    resp = client.post(f"/personnel/archive/{person.pk}/correct/", {"name": "张改名", "reason": "户籍更名"})
    assert resp.status_code == 302 and Person.objects.get(pk=person.pk).name == "张改名"
    resp = client.post(f"/personnel/archive/{person.pk}/correct/", {"id_number": "123", "reason": "录错"})
    assert resp.status_code == 400 and "18位" in resp.content.decode()


@pytest.mark.django_db
def test_rename_batch_page_shows_progress_and_polls_until_done(client, person, directory, django_capture_on_commit_callbacks):
    valid_certificate(person)
    _login(client, "ent_contractor")
    assert client.post("/personnel/renames/", {"enterprise": directory["contractor"].pk, "new_name": "新名称"}).status_code == 403
    _login(client, "officer_city")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        resp = client.post("/personnel/renames/", {"enterprise": directory["contractor"].pk, "new_name": "上海浦江建设（集团）有限公司"})
    batch = RenameBatch.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/personnel/renames/{batch.pk}/"
    fragment = client.get(f"/personnel/renames/{batch.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "0/1" in fragment
    for callback in queued:
        callback()
    fragment = client.get(f"/personnel/renames/{batch.pk}/progress/").content.decode()
    assert "hx-trigger" not in fragment and "1/1" in fragment and "已完成" in fragment
    assert SafetyCertificate.objects.get(person=person).employer_name == "上海浦江建设（集团）有限公司"


@pytest.mark.django_db
@pytest.mark.parametrize("tampered", ["abc", "²", "-1", "99999999999999999999", "长" * 300])
def test_a_tampered_enterprise_or_employer_id_is_a_400_not_a_500(client, person, directory, tampered):
    """The rename and change-of-employer forms post an organisation id from a select: a value that is no id gets
    the form's own message (it used to reach the database lookup as a ValueError, a 500) and nothing is written."""
    from processes.models import ProcessInstance

    valid_certificate(person)
    _login(client, "officer_pd")
    resp = client.post("/personnel/renames/", {"enterprise": tampered, "new_name": "新名称"})
    assert resp.status_code == 400 and "请选择企业。" in resp.content.decode()
    assert not RenameBatch.objects.exists() and directory["contractor"].name == "上海浦江建设集团有限公司"
    _login(client, "person_p")
    resp = client.post("/personnel/change-employer/", {"employer": tampered})
    assert resp.status_code == 400 and "请选择新的聘用单位。" in resp.content.decode()
    assert not ProcessInstance.objects.exists()


@pytest.mark.django_db
def test_help_assistant_answers_and_hands_off(client, person, publish_models):
    publish_models("safety_staff_help")
    _login(client, "person_p")
    resp = client.post("/personnel/help/ask/", {"question": "证书有效期几年"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "3年" in resp.content.decode() and "<html" not in resp.content.decode()
    resp = client.post("/personnel/help/ask/", {"question": "食堂几点开饭"}, HTTP_HX_REQUEST="true")
    assert "转接人工" in resp.content.decode() and HelpRequest.objects.count() == 1
    assert client.post("/personnel/help/ask/", {"question": ""}).status_code == 400
    assert client.get("/personnel/help/queue/").status_code == 403
    _login(client, "officer_pd")  # a district's officer: the city answers hand-offs (and they may carry personal details)
    assert "食堂几点开饭" not in client.get("/personnel/help/queue/").content.decode()
    _login(client, "officer_city")
    assert "食堂几点开饭" in client.get("/personnel/help/queue/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "url"), [("officer_pd", "/personnel/query/"), ("ent_contractor", "/personnel/"),
                                               ("person_p", "/personnel/")])
def test_list_pages_do_not_grow_queries_with_rows(client, person, directory, username, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    valid_certificate(person, klass="A")
    _login(client, username)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()  # warm (session, permissions cache)
    before = count()
    for _ in range(5):
        valid_certificate(employed_person(directory["contractor"]))
    valid_certificate(person, klass="C1")
    assert count() == before


@pytest.mark.django_db
def test_person_uploads_a_photo_and_registration_then_may_apply_for_b(client, person, publish_models):
    from django.core.files.uploadedfile import SimpleUploadedFile

    publish_models("safety_staff_certification")
    _login(client, "person_p")
    fake = SimpleUploadedFile("a.png", b"GIF89a not a png", content_type="image/png")
    resp = client.post("/personnel/profile/", {"photo": fake})
    assert resp.status_code == 400 and "JPG 或 PNG" in resp.content.decode()
    png = SimpleUploadedFile("me.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    assert client.post("/personnel/profile/", {"photo": png, "constructor_registration": "建造师"}).status_code == 400
    png.seek(0)
    assert client.post("/personnel/profile/", {"photo": png, "constructor_registration": "沪1312020123456"}).status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert person.photo and person.constructor_registration == "沪1312020123456"
    assert client.post("/personnel/apply/", {"klass": "B", "job_title": "项目经理"}).status_code == 302


@pytest.mark.django_db
def test_notices_are_public_and_carry_no_id_numbers(client, person, directory):
    from domain.personnel.services import apply_for_certificate, publish_review_notice

    cert = apply_for_certificate(person=person, klass="C2", employer=directory["contractor"])
    publish_review_notice(certificate=cert, opinion="考核合格", period_days=5)
    page = client.get("/personnel/notices/").content.decode()  # anonymous
    assert "审查意见公示" in page and "张页面" in page and "公示中" in page
    assert "310115199001011234" not in page


@pytest.mark.django_db
def test_cockpit_panels_count_what_the_user_may_see(person, directory, user):
    from webapp.personnel.cockpit import panels

    valid_certificate(person)
    total = {p.title: p for p in panels(user("leader"))}["安管人员证书"]
    assert total.value == 1
    assert {p.title: p for p in panels(user("officer_hp"))}["安管人员证书"].value == 0
