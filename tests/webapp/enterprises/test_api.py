"""The enterprise supervision API: scoped like the pages (own enterprise / district / city), paginated, bad filters
a 400 naming the field, the internal legal opinion kept from the party."""

from __future__ import annotations

import pytest

from domain.enterprises import services
from domain.enterprises.models import CheckCase, RevocationCase
from tests.domain.enterprises import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(directory, user):
    factories.qualification(directory["contractor"], short=2)  # falls short: becomes a verification case
    factories.qualification(directory["employer"], certificate_number="D231999001")
    factories.licence(directory["contractor"])
    batch = services.publish_batch(kind="qualification", title="接口测试批次", acting_user=user("officer_pd"))
    case = CheckCase.objects.get(batch=batch)
    revocation = services.open_revocation(
        kind="revoke", ground="fraud", credential=case.qualification, facts="伪造业绩", reasons="欺骗取得",
        basis="行政许可法第六十九条", acting_user=user("officer_pd"),
    )
    RevocationCase.objects.filter(pk=revocation.pk).update(legal_opinion="内部：证据链完整")
    return {"case": case, "revocation": revocation, **directory}


def test_cases_are_scoped_filtered_and_detailed(api, world):
    case = world["case"]
    body = api("officer_pd").get("/api/enterprises/cases/", {"state": case.state}).json()
    assert body["count"] == 1 and body["results"][0]["enterprise"] == "上海浦江建设集团有限公司"
    assert body["results"][0]["certificate"] == case.qualification.certificate_number
    assert api("ent_contractor").get("/api/enterprises/cases/").json()["count"] == 1  # its own case
    assert api("ent_employer").get("/api/enterprises/cases/").json()["count"] == 0  # not another enterprise's
    assert api("officer_hp").get("/api/enterprises/cases/").json()["count"] == 0  # not another district's
    detail = api("ent_contractor").get(f"/api/enterprises/cases/{case.pk}/").json()
    assert detail["findings"] == case.findings and detail["submissions"] == []
    assert api("ent_employer").get(f"/api/enterprises/cases/{case.pk}/").status_code == 404
    assert api().get("/api/enterprises/cases/").status_code in (401, 403)


def test_bad_filters_are_a_400_naming_the_field(api, world):
    response = api("officer_pd").get("/api/enterprises/cases/", {"from": "2026-13-01"})
    assert response.status_code == 400 and "from" in response.json()["errors"]
    response = api("officer_pd").get("/api/enterprises/cases/", {"state": "nonsense"})
    assert response.status_code == 400 and "未知的状态" in str(response.json())


def test_credentials_are_scoped_and_searchable(api, world):
    mine = api("ent_contractor").get("/api/enterprises/qualifications/").json()
    assert [q["enterprise"] for q in mine["results"]] == ["上海浦江建设集团有限公司"]
    city = api("officer_city").get("/api/enterprises/qualifications/", {"enterprise": "申城"}).json()
    assert [q["certificate_number"] for q in city["results"]] == ["D231999001"]
    licences = api("ent_contractor").get("/api/enterprises/licences/").json()["results"]
    assert len(licences) == 1
    detail = api("ent_contractor").get(f"/api/enterprises/licences/{licences[0]['id']}/").json()
    assert detail["suspensions"] == [] and detail["state"] == "valid"
    assert api("ent_employer").get(f"/api/enterprises/licences/{licences[0]['id']}/").status_code == 404


def test_revocations_show_the_party_its_case_but_not_the_internal_legal_opinion(api, world):
    pk = world["revocation"].pk
    party = api("ent_contractor").get(f"/api/enterprises/revocations/{pk}/").json()
    assert party["facts"] == "伪造业绩" and "legal_opinion" not in party
    officer = api("officer_pd").get(f"/api/enterprises/revocations/{pk}/").json()
    assert officer["legal_opinion"] == "内部：证据链完整"
    assert api("officer_pd").get("/api/enterprises/revocations/").json()["count"] == 1
    assert api("ent_employer").get(f"/api/enterprises/revocations/{pk}/").status_code == 404


def test_the_internal_legal_opinion_document_is_not_offered_to_the_party(api, world):
    from django.test import Client

    from domain.organisations.models import User

    revocation = RevocationCase.objects.get(pk=world["revocation"].pk)
    notice_doc = revocation.documents["prior_notice"]
    # as after an approved legal review: the opinion document sits beside the party-facing ones
    RevocationCase.objects.filter(pk=revocation.pk).update(
        documents={"prior_notice": notice_doc, "legal_opinion": notice_doc}
    )
    party = api("ent_contractor").get(f"/api/enterprises/revocations/{revocation.pk}/").json()
    assert party["documents"] == {"prior_notice": notice_doc}
    officer = api("officer_pd").get(f"/api/enterprises/revocations/{revocation.pk}/").json()
    assert officer["documents"] == {"prior_notice": notice_doc, "legal_opinion": notice_doc}

    def page(username: str) -> str:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client.get(f"/enterprises/revocations/{revocation.pk}/").content.decode()

    assert "事先告知书" in page("ent_contractor") and "法制审核意见书" not in page("ent_contractor")
    assert "法制审核意见书" in page("officer_pd")
