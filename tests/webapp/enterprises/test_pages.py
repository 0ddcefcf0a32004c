"""Enterprise supervision pages: query/statistics/export, batch publishing, delivery, my notices, revocation and
licence actions; bad input is a 4xx with a Chinese message, never a 500; every page is scoped."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from domain.enterprises import services
from domain.enterprises.models import CheckCase, NoticeState, RevocationCase
from domain.organisations.models import User
from tests.domain.enterprises import factories


@pytest.fixture
def login(directory):
    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture
def case(directory, user):
    factories.qualification(directory["contractor"], short=2)
    batch = services.publish_batch(kind="qualification", title="页面测试批次", acting_user=user("officer_pd"))
    return CheckCase.objects.get(batch=batch)


def test_case_list_with_statistics_and_excel_export(login, case):
    page = login("officer_pd").get("/enterprises/", {"state": "notice_pending"})
    assert page.status_code == 200
    assert "上海浦江建设集团有限公司" in page.content.decode()
    export = login("officer_pd").get("/enterprises/", {"batch": case.batch.number, "export": "xlsx"})
    assert export.status_code == 200
    wb = load_workbook(io.BytesIO(export.content))
    rows = list(wb["核查整改案件"].iter_rows(values_only=True))
    assert rows[1][0] == case.batch.number and rows[1][2] == "上海浦江建设集团有限公司"
    assert ("待送达", 1) in list(wb["统计"].iter_rows(values_only=True))


def test_other_enterprises_and_districts_see_nothing(login, case):
    assert "上海浦江建设集团有限公司" not in login("ent_employer").get("/enterprises/").content.decode()
    assert login("officer_hp").get(f"/enterprises/cases/{case.pk}/").status_code == 404
    notice = case.notices.get()
    assert login("ent_lessor").get(f"/enterprises/notices/{notice.pk}/").status_code == 404
    mine = login("ent_contractor").get("/enterprises/notices/").content.decode()
    assert notice.number in mine


def test_publish_batch_page_and_bad_deadline(login, directory):
    factories.qualification(directory["contractor"], insurance_gap=True)
    client = login("officer_pd")
    bad = client.post(
        "/enterprises/batches/", {"title": "x", "kind": "qualification", "deadline": "2099-01-01"}
    )
    assert bad.status_code == 400 and "最长3个月" in bad.content.decode()
    ok = client.post(
        "/enterprises/batches/", {"title": "浦东第一批", "kind": "qualification", "district": "310115"}
    )
    assert ok.status_code == 302
    assert CheckCase.objects.filter(enterprise=directory["contractor"]).count() == 1
    assert login("ent_contractor").get("/enterprises/batches/").status_code == 404


def test_enterprise_signs_online_and_officer_needs_a_photo_on_site(login, case):
    notice = case.notices.get()
    no_photo = login("officer_pd").post(
        f"/enterprises/notices/{notice.pk}/", {"action": "on_site", "recipient_name": "马超"}
    )
    assert no_photo.status_code == 400 and "照片" in no_photo.content.decode()
    signed = login("ent_contractor").post(f"/enterprises/notices/{notice.pk}/", {"action": "receive"})
    assert signed.status_code == 302
    assert type(notice).objects.get(pk=notice.pk).state == NoticeState.SERVED
    again = login("ent_contractor").post(f"/enterprises/notices/{notice.pk}/", {"action": "receive"})
    assert again.status_code == 400 and "不能重复送达" in again.content.decode()


def test_on_site_delivery_with_photo(login, case):
    notice = case.notices.get()
    photo = SimpleUploadedFile("scene.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")
    resp = login("officer_pd").post(
        f"/enterprises/notices/{notice.pk}/", {"action": "on_site", "recipient_name": "马超", "photo": photo}
    )
    assert resp.status_code == 302
    assert type(notice).objects.get(pk=notice.pk).method == "on_site"


def test_public_notice_list_is_public(login, case):
    notice = case.notices.get()
    login("officer_pd").post(
        f"/enterprises/notices/{notice.pk}/", {"action": "public", "reason": "企业注册地址无人，电话无法接通"}
    )
    page = Client().get("/enterprises/public-notices/")
    assert page.status_code == 200 and notice.number in page.content.decode()


def test_open_revocation_page(login, directory):
    qual = factories.qualification(directory["contractor"])
    client = login("officer_pd")
    missing = client.post(
        "/enterprises/revocations/new/",
        {
            "credential": f"q:{qual.pk}",
            "kind": "revoke",
            "ground": "fraud",
            "facts": "",
            "reasons": "",
            "basis": "",
        },
    )
    assert missing.status_code == 400 and "事实" in missing.content.decode()
    ok = client.post(
        "/enterprises/revocations/new/",
        {
            "credential": f"q:{qual.pk}",
            "kind": "revoke",
            "ground": "fraud",
            "facts": "伪造业绩",
            "reasons": "欺骗取得",
            "basis": "行政许可法第六十九条",
        },
    )
    assert ok.status_code == 302
    case = RevocationCase.objects.get(qualification=qual)
    detail = client.get(f"/enterprises/revocations/{case.pk}/").content.decode()
    assert "事先告知书" in detail
    assert login("reviewer_pd").get("/enterprises/revocations/new/").status_code == 404


def test_licence_suspension_out_of_scale_is_400(login, directory, user):
    lic = factories.licence(directory["contractor"])
    acc = services.record_accident(
        licence=lic, acting_user=user("officer_pd"), occurred_on=lic.valid_from, level="general"
    )
    client = login("approver_pd")
    bad = client.post(
        f"/enterprises/licences/{lic.pk}/", {"action": "suspend", "accident": acc.pk, "days": "200"}
    )
    assert bad.status_code == 400 and "30-60" in bad.content.decode()
    ok = client.post(
        f"/enterprises/licences/{lic.pk}/", {"action": "suspend", "accident": acc.pk, "days": "45"}
    )
    assert ok.status_code == 302
    assert type(lic).objects.get(pk=lic.pk).state == "suspended"
    assert client.get("/enterprises/credentials/").status_code == 200


@pytest.mark.parametrize(("fatalities", "occurred_on", "message"), [
    ("-1", "2026-03-02", "死亡人数应为 0 至 10000 之间的整数"),  # a check constraint: an IntegrityError, a 500
    ("99999999999999999999", "2026-03-02", "死亡人数应为 0 至 10000 之间的整数"),  # integer out of range
    ("1", "0001-01-01", "事故发生日期应在 2004-01-13"),  # saved, then every page of the licence was a 500
    ("1", "9999-12-31", "事故发生日期应在 2004-01-13"),
])
def test_accident_with_impossible_figures_is_a_400(login, directory, fatalities, occurred_on, message):
    lic = factories.licence(directory["contractor"])
    client = login("officer_pd")
    bad = client.post(f"/enterprises/licences/{lic.pk}/", {
        "action": "accident", "occurred_on": occurred_on, "level": "general", "fatalities": fatalities})
    assert bad.status_code == 400 and message in bad.content.decode()
    assert not lic.accidents.exists()
    assert client.get(f"/enterprises/licences/{lic.pk}/").status_code == 200


def test_home_cards(login, case):
    from webapp.enterprises.home import cards

    assert cards(User.objects.get(username="ent_contractor"))[0].count == 1
    assert cards(User.objects.get(username="officer_pd"))[0].count == 1
    assert login("ent_contractor").get("/").status_code == 200


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_do_not_grow_queries_with_rows(login, directory, user):
    client = login("officer_pd")
    factories.qualification(directory["contractor"], short=1)
    services.publish_batch(kind="qualification", title="一", acting_user=user("officer_pd"))
    one = {
        u: _queries(client, u) for u in ("/enterprises/", "/enterprises/notices/", "/enterprises/batches/")
    }
    for _ in range(4):
        factories.qualification(directory["contractor"], short=1)
    services.publish_batch(kind="qualification", title="二", acting_user=user("officer_pd"))
    many = {u: _queries(client, u) for u in one}
    assert many == one


def test_detail_pages_render_for_officer_and_enterprise(login, case, directory, user):
    lic = factories.licence(directory["contractor"])
    services.record_accident(
        licence=lic, acting_user=user("officer_pd"), occurred_on=lic.valid_from, level="major"
    )
    officer = login("officer_pd")
    for url in (
        f"/enterprises/batches/{case.batch.pk}/",
        f"/enterprises/licences/{lic.pk}/",
        f"/enterprises/notices/{case.notices.get().pk}/",
        "/enterprises/revocations/",
        "/enterprises/revocations/new/",
    ):
        assert officer.get(url).status_code == 200, url
    page = officer.get(f"/enterprises/licences/{lic.pk}/").content.decode()
    assert "暂扣 60-90 日" in page
    assert login("ent_contractor").get(f"/enterprises/notices/{case.notices.get().pk}/").status_code == 200
    assert login("ent_contractor").get(f"/enterprises/batches/{case.batch.pk}/").status_code == 404
