"""Scoped reads: search by project, party and number; district officers see their district; no N+1 in lists."""

from __future__ import annotations

from domain.contracts import selectors

from . import factories


def test_search_by_project_party_and_number_within_scope(directory, user):
    pudong = factories.draft(project=factories.project(name="浦东新区临港学校项目"))
    huangpu = factories.draft(project=factories.project(district="310101", name="黄浦区外滩修缮项目"))
    employer = user("ent_employer")
    assert list(selectors.search_contracts(employer, text="临港")) == [pudong]
    assert list(selectors.search_contracts(employer, text=huangpu.number)) == [huangpu]
    credit_code = factories.contractor_org().credit_code
    assert set(selectors.search_contracts(employer, text=credit_code)) == {pudong, huangpu}
    assert list(selectors.search_contracts(user("officer_pd"))) == [pudong]
    assert list(selectors.search_contracts(user("officer_hp"))) == [huangpu]
    assert set(selectors.search_contracts(user("officer_city"))) == {pudong, huangpu}
    assert not selectors.search_contracts(user("ent_lessor")).exists()


def test_contract_list_api_query_count_does_not_grow(directory, api, django_assert_max_num_queries):
    for _ in range(3):
        factories.draft()
    client = api("ent_employer")
    with django_assert_max_num_queries(8) as few:
        assert client.get("/api/contracts/").json()["count"] == 3
    for _ in range(7):
        factories.draft()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/contracts/").json()["count"] == 10
