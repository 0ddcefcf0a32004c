"""Site and draw lists: the project query paginates with its filters kept, searches by name / permit number /
employer, filters by supervision stage (and district for the city), stays scoped; the draw list (it had no page links)
paginates, finds a round, filters by district; both tell "nothing yet" from "no match"."""

from __future__ import annotations

import pytest
from django.test import Client

from domain.organisations.models import District, User
from domain.sites.models import DrawRound, Site, SiteState
from tests.domain.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_site_list_paginates_searches_filters_and_is_scoped(directory):
    sites = [SiteFactory() for _ in range(21)]
    hp = SiteFactory(permit__district=District.objects.get(pk="310101"), permit__employer_credit_code="X" * 18,
                     permit__contractor_credit_code="Y" * 18, permit__project_name="黄浦装修工程")
    officer = login("officer_pd")
    first = officer.get("/sites/?general_decoration=1").content.decode()
    assert "第 1 / 2 页" in first and "共 21 条" in first and "?general_decoration=1&amp;page=2" in first
    assert 'name="district"' not in first and 'name="state"' in first
    for text in (sites[3].permit.permit_number, sites[3].name):
        found = officer.get("/sites/", {"q": text}).content.decode()
        assert f"/sites/{sites[3].pk}/" in found and f"/sites/{sites[4].pk}/" not in found
    assert "没有符合条件的项目" in officer.get("/sites/", {"q": hp.permit.permit_number}).content.decode()
    Site.objects.filter(pk=sites[5].pk).update(state=SiteState.PROCESS_SUPERVISION)
    staged = officer.get("/sites/?state=process_supervision").content.decode()
    assert f"/sites/{sites[5].pk}/" in staged and f"/sites/{sites[6].pk}/" not in staged
    city = login("officer_city").get("/sites/?district=310101").content.decode()
    assert 'name="district"' in city and f"/sites/{hp.pk}/" in city and f"/sites/{sites[0].pk}/" not in city
    assert officer.get("/sites/?state=x&district=x&drawn=maybe&page=-1").status_code == 200


def test_site_list_empty_states(directory):
    nothing = login("officer_mh").get("/sites/").content.decode()
    assert "还没有您可以查看的工地" in nothing and "没有符合条件" not in nothing
    assert "没有符合条件的项目" in login("officer_mh").get("/sites/?q=不存在").content.decode()


def test_draw_list_paginates_finds_a_round_and_filters_by_district(directory):
    pd, hp = District.objects.get(pk="310115"), District.objects.get(pk="310101")
    empty = login("officer_pd").get("/sites/draws/").content.decode()
    assert "尚无抽查记录" in empty and "发起抽查" in empty
    rounds = [DrawRound.objects.create(district=pd, round_key=f"2025-{n:02d}-{i}", proportion="0.1",
                                       commitment="0" * 64, population_digest="0" * 64)
              for n in range(1, 12) for i in range(2)]
    other = DrawRound.objects.create(district=hp, round_key="2025-07-hp", proportion="0.1", commitment="0" * 64,
                                     population_digest="0" * 64)
    inspector = login("inspector_agency")
    first = inspector.get("/sites/draws/?district=310115").content.decode()
    assert "第 1 / 2 页" in first and "共 22 条" in first and "?district=310115&amp;page=2" in first
    assert f"/sites/draws/{other.pk}/" not in first
    found = inspector.get("/sites/draws/?q=2025-07").content.decode()
    assert f"/sites/draws/{other.pk}/" in found and f"/sites/draws/{rounds[12].pk}/" in found
    assert f"/sites/draws/{rounds[0].pk}/" not in found
    assert "没有符合条件的抽查记录" in inspector.get("/sites/draws/?q=1999").content.decode()
