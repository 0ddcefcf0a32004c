"""Enterprise supervision list pages (cases, batches and a batch's cases, notices, public notices, revocations,
credentials): paginated with the filters kept, searchable by number and enterprise, filtered, scoped to what the user
may see, with an empty state that says why and another when a search finds nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from domain.enterprises import services
from domain.enterprises.models import CheckCase, Notice, NoticeState, RevocationCase
from domain.organisations.models import User
from tests.domain.enterprises import factories


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def small_pages(monkeypatch):
    """Two rows a page, so that a handful of cases (each with its sealed notice) spans pages."""
    monkeypatch.setattr("webapp.listing.PAGE_SIZE", 2)


@pytest.fixture
def city_batch(directory, user):
    """A city-wide qualification batch: three Pudong cases (浦江建设) and one Minhang case (东起机械租赁)."""
    for _ in range(3):
        factories.qualification(directory["contractor"], short=2)
    factories.qualification(directory["lessor"], short=2)
    return services.publish_batch(kind="qualification", title="全市资质动态核查", acting_user=user("officer_city"))


def test_case_list_paginates_keeping_filters_and_searches_by_enterprise(city_batch, small_pages):
    officer = login("officer_pd")
    first = officer.get("/enterprises/", {"batch": city_batch.number}).content.decode()
    assert "第 1 / 2 页" in first and "共 3 条" in first
    assert f"?batch={city_batch.number}&amp;page=2" in first
    assert f"?batch={city_batch.number}&amp;export=xlsx" in first  # the export keeps the filters too
    assert "上海东起机械租赁有限公司" not in officer.get("/enterprises/?enterprise=东起").content.decode()
    code = city_batch.cases.get(enterprise__name="上海东起机械租赁有限公司").enterprise.credit_code
    mh = login("officer_mh").get("/enterprises/", {"enterprise": code}).content.decode()
    assert "上海东起机械租赁有限公司" in mh and "上海浦江建设集团有限公司" not in mh


def test_case_list_district_filter_only_for_the_city_and_empty_states(city_batch):
    city = login("officer_city").get("/enterprises/?district=310112").content.decode()
    assert 'name="district"' in city and "上海东起机械租赁有限公司" in city and "上海浦江建设集团有限公司" not in city
    assert 'name="district"' not in login("officer_pd").get("/enterprises/").content.decode()
    nothing = login("officer_hp").get("/enterprises/").content.decode()
    assert "还没有核查整改案件" in nothing and "没有符合条件" not in nothing
    nomatch = login("officer_pd").get("/enterprises/?enterprise=不存在的企业").content.decode()
    assert "没有符合条件的核查案件" in nomatch and "清除查询条件" in nomatch


def test_batch_list_search_kind_filter_and_batch_cases_paginate(city_batch, user, monkeypatch):
    other = services.publish_batch(kind="safety_licence", title="安许证核查", acting_user=user("officer_pd"))
    officer = login("officer_pd")
    found = officer.get("/enterprises/batches/", {"q": city_batch.number}).content.decode()
    assert f"/enterprises/batches/{city_batch.pk}/" in found and f"/enterprises/batches/{other.pk}/" not in found
    by_kind = officer.get("/enterprises/batches/?kind=safety_licence").content.decode()
    assert f"/enterprises/batches/{other.pk}/" in by_kind and f"/enterprises/batches/{city_batch.pk}/" not in by_kind
    assert "没有符合条件的核查批次" in officer.get("/enterprises/batches/?q=HC-不存在").content.decode()
    monkeypatch.setattr("webapp.enterprises.views_batches.BATCH_CASES_PER_PAGE", 2)
    detail = login("officer_city").get(f"/enterprises/batches/{city_batch.pk}/").content.decode()
    assert "第 1 / 2 页" in detail and "共 4 条" in detail


def test_batch_list_empty_state(directory):
    page = login("officer_mh").get("/enterprises/batches/").content.decode()
    assert "还没有核查批次" in page and "发布" in page


def test_notice_list_search_state_filter_and_scope(city_batch):
    pd_notice = Notice.objects.filter(enterprise__name="上海浦江建设集团有限公司").first()
    mh_notice = Notice.objects.get(enterprise__name="上海东起机械租赁有限公司")
    officer = login("officer_pd")
    found = officer.get("/enterprises/notices/", {"q": pd_notice.number}).content.decode()
    assert f"/enterprises/notices/{pd_notice.pk}/" in found
    assert f"/enterprises/notices/{mh_notice.pk}/" not in officer.get("/enterprises/notices/").content.decode()
    assert "没有符合条件的文书" in officer.get("/enterprises/notices/", {"q": mh_notice.number}).content.decode()
    issued = officer.get("/enterprises/notices/", {"state": NoticeState.SERVED}).content.decode()
    assert "没有符合条件的文书" in issued
    mine = login("ent_lessor").get("/enterprises/notices/").content.decode()
    assert f"/enterprises/notices/{mh_notice.pk}/" in mine and f"/enterprises/notices/{pd_notice.pk}/" not in mine
    assert "您的单位目前没有监管文书" in login("ent_employer").get("/enterprises/notices/").content.decode()


def test_public_notice_list_search_and_empty_state(city_batch):
    anonymous = Client()
    assert "目前没有公告送达的文书" in anonymous.get("/enterprises/public-notices/").content.decode()
    notice = Notice.objects.get(enterprise__name="上海东起机械租赁有限公司")
    login("officer_mh").post(f"/enterprises/notices/{notice.pk}/", {"action": "public", "reason": "地址无人"})
    assert notice.number in anonymous.get("/enterprises/public-notices/?q=东起").content.decode()
    assert "没有符合条件的公告送达" in anonymous.get("/enterprises/public-notices/?q=浦江").content.decode()


def test_revocation_list_search_filters_and_empty_state(directory, small_pages):
    officer = login("officer_pd")
    empty = officer.get("/enterprises/revocations/").content.decode()
    assert "还没有撤销/撤回案件" in empty and "/enterprises/revocations/new/" in empty
    for _ in range(3):
        qual = factories.qualification(directory["contractor"])
        officer.post("/enterprises/revocations/new/", {"credential": f"q:{qual.pk}", "kind": "revoke",
                                                       "ground": "fraud", "facts": "伪造业绩", "reasons": "欺骗取得",
                                                       "basis": "行政许可法第六十九条"})
    cases = list(RevocationCase.objects.order_by("id"))
    assert len(cases) == 3
    first = officer.get("/enterprises/revocations/?kind=revoke").content.decode()
    assert "第 1 / 2 页" in first and "?kind=revoke&amp;page=2" in first
    found = officer.get("/enterprises/revocations/", {"q": cases[0].qualification.certificate_number}).content.decode()
    assert f"/enterprises/revocations/{cases[0].pk}/" in found and f"/enterprises/revocations/{cases[1].pk}/" not in found
    assert "没有符合条件的撤销/撤回案件" in officer.get("/enterprises/revocations/?kind=withdraw").content.decode()
    assert f"/enterprises/revocations/{cases[0].pk}/" not in login("officer_hp").get(
        "/enterprises/revocations/", {"q": cases[0].number}).content.decode()


def test_credential_list_paginates_searches_and_is_scoped(directory):
    quals = [factories.qualification(directory["contractor"]) for _ in range(21)]
    other = factories.qualification(directory["lessor"], certificate_number="D231LESSOR1")
    lic = factories.licence(directory["contractor"])
    officer = login("officer_pd")
    first = officer.get("/enterprises/credentials/").content.decode()
    assert "第 1 / 2 页" in first and "共 21 条" in first and "D231LESSOR1" not in first
    found = officer.get("/enterprises/credentials/", {"q": quals[4].certificate_number}).content.decode()
    assert f'<td class="text-nowrap">{quals[4].certificate_number}</td>' in found
    assert quals[5].certificate_number not in found
    assert "没有符合条件的证书" in officer.get("/enterprises/credentials/?q=D231LESSOR1").content.decode()
    licences = officer.get("/enterprises/credentials/?tab=licences").content.decode()
    assert f"/enterprises/licences/{lic.pk}/" in licences and quals[0].certificate_number not in licences
    mine = login("ent_lessor").get("/enterprises/credentials/").content.decode()
    assert other.certificate_number in mine and quals[0].certificate_number not in mine
    assert "您的单位还没有登记的证书" in login("ent_employer").get("/enterprises/credentials/").content.decode()
    assert login("officer_pd").get("/enterprises/credentials/?tab=x&state=x&page=abc").status_code == 200
    assert CheckCase.objects.count() == 0
