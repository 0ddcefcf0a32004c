"""Contract list pages (合同管理, 合同公示, 合同公告, 合同监管): paginated with the filters kept in the page links,
searchable by number, project and party, filtered by state (and district for whoever sees several), scoped, with an
empty state that says why and a different one when a search finds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from domain.contracts.models import Contract, ContractState
from domain.organisations.models import User
from tests.domain.contracts import factories


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def drafts(directory):
    project = factories.project(name="张江分页测试项目")
    return [factories.draft(project=project, title=f"分页测试合同{i:02d}") for i in range(21)]


def test_contract_list_paginates_keeping_the_filters(drafts):
    officer = login("officer_pd")
    first = officer.get("/contracts/?q=张江分页&state=draft").content.decode()
    assert "第 1 / 2 页" in first and "共 21 条" in first
    assert "?q=%E5%BC%A0%E6%B1%9F%E5%88%86%E9%A1%B5&amp;state=draft&amp;page=2" in first
    second = officer.get("/contracts/?q=张江分页&state=draft&page=2").content.decode()
    assert drafts[0].number in second and drafts[-1].number not in second  # newest first
    assert drafts[-1].number in first
    last = officer.get("/contracts/?page=99999")
    assert last.status_code == 200 and drafts[0].number in last.content.decode()


def test_contract_search_by_number_project_and_party_keeps_the_scope(drafts):
    number, link = drafts[3].number, f'href="/contracts/{drafts[3].pk}/"'
    for text in (number, "张江分页测试项目", "上海申城置业"):
        assert link in login("officer_pd").get("/contracts/", {"q": text}).content.decode(), text
    only = login("officer_pd").get("/contracts/", {"q": number}).content.decode()
    assert f'href="/contracts/{drafts[4].pk}/"' not in only
    assert link in login("ent_contractor").get("/contracts/", {"q": number}).content.decode()
    for outsider in ("officer_hp", "ent_builder", "ent_lessor"):  # another district, enterprises not party to it
        page = login(outsider).get("/contracts/", {"q": number}).content.decode()
        assert link not in page and "没有符合条件的合同" in page, outsider


def test_contract_state_district_and_overdue_filters(drafts):
    Contract.objects.filter(pk=drafts[0].pk).update(state=ContractState.SIGNED, filing_overdue=True,
                                                    filing_due_on=dt.date(2026, 1, 1))
    city = login("officer_city")
    signed = city.get("/contracts/?state=signed").content.decode()
    assert drafts[0].number in signed and drafts[1].number not in signed
    assert 'name="district"' in signed  # the city sees every district: a district filter
    assert drafts[-1].number in city.get("/contracts/?district=310115").content.decode()
    assert "没有符合条件的合同" in city.get("/contracts/?district=310101").content.decode()
    overdue = city.get("/contracts/?overdue=1").content.decode()
    assert drafts[0].number in overdue and drafts[1].number not in overdue
    assert 'name="district"' not in login("officer_pd").get("/contracts/").content.decode()  # one district
    # an unknown state is ignored, not a 500 and not an empty "no match"
    page = city.get("/contracts/?state=__nonexistent__&district=x")
    assert page.status_code == 200 and drafts[1].number in page.content.decode()


def test_contract_list_empty_states(directory):
    nothing = login("officer_mh").get("/contracts/").content.decode()
    assert "还没有您可以查看的合同" in nothing and "没有符合条件" not in nothing
    nomatch = login("officer_mh").get("/contracts/?q=不存在的合同").content.decode()
    assert "没有符合条件的合同" in nomatch and "清除查询条件" in nomatch


def test_public_notice_list_paginates_and_searches(drafts):
    ends = timezone.localdate() + dt.timedelta(days=5)
    Contract.objects.filter(pk__in=[c.pk for c in drafts]).update(state=ContractState.UNDER_PUBLIC_NOTICE,
                                                                  notice_starts_on=timezone.localdate(),
                                                                  notice_ends_on=ends)
    Contract.objects.filter(pk=drafts[5].pk).update(notice_ends_on=ends - dt.timedelta(days=3))
    anonymous = Client()
    first = anonymous.get("/contracts/notices/").content.decode()
    assert "第 1 / 2 页" in first
    assert first.index(drafts[5].number) < first.index(drafts[0].number)  # the notice ending soonest first
    found = anonymous.get("/contracts/notices/", {"q": drafts[7].number}).content.decode()
    assert f"/contracts/public/{drafts[7].pk}/" in found and f"/contracts/public/{drafts[8].pk}/" not in found
    assert "没有符合条件的公示中合同" in anonymous.get("/contracts/notices/?q=不存在").content.decode()


def test_public_lists_empty_states(directory):
    anonymous = Client()
    assert "目前没有公示中的合同" in anonymous.get("/contracts/notices/").content.decode()
    assert "目前还没有公告的合同" in anonymous.get("/contracts/announcements/").content.decode()
    assert "没有符合条件的合同公告" in anonymous.get("/contracts/announcements/?q=不存在").content.decode()


def test_officer_desk_shows_ten_overdue_and_links_to_the_rest(drafts):
    Contract.objects.filter(pk__in=[c.pk for c in drafts[:12]]).update(
        state=ContractState.SIGNED, filing_overdue=True, filing_due_on=dt.date(2026, 1, 1))
    desk = login("officer_pd").get("/contracts/officer/").content.decode()
    assert "查看全部 12 份" in desk and "/contracts/?overdue=1" in desk
    assert sum(c.number in desk for c in drafts[:12]) == 10
    assert "查看全部" not in login("officer_hp").get("/contracts/officer/").content.decode()
