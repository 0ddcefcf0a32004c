"""Documents and seals lists (文书与印章): searchable by title or number (文号) and by kind, paginated with the filters
kept, each document once even when one organisation sealed it twice, scoped; seals searchable and paginated; empty
states that say why, distinct from "no match"."""

from __future__ import annotations

import pytest
from django.test import Client

from documents import services
from documents.models import SealType
from domain.organisations.models import User


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def issue(title: str, issuer, kind: str = "notice"):
    return services.issue_document(kind=kind, title=title, context={"body": "正文"}, issuer=issuer)


@pytest.mark.django_db
def test_document_list_searches_filters_paginates_and_is_scoped(directory, monkeypatch):
    monkeypatch.setattr("webapp.documents.views.DOCUMENTS_PER_PAGE", 2)
    notices = [issue(f"整改通知书{n}", directory["310115"]) for n in range(3)]
    certificate = issue("安全生产许可证", directory["310115"], kind="certificate")
    huangpu = issue("黄浦区整改通知书", directory["310101"])
    officer = login("officer_pd")
    first = officer.get("/documents/?kind=notice").content.decode()
    assert "第 1 / 2 页" in first and "共 3 条" in first and "?kind=notice&amp;page=2" in first
    assert certificate.verification_code not in first
    for text in (notices[1].number, "整改通知书1"):
        found = officer.get("/documents/", {"q": text}).content.decode()
        assert notices[1].verification_code in found and notices[2].verification_code not in found
    nomatch = officer.get("/documents/", {"q": huangpu.number}).content.decode()
    assert huangpu.verification_code not in nomatch and "没有符合条件的文书" in nomatch
    assert officer.get("/documents/?kind=x&page=abc").status_code == 200


@pytest.mark.django_db
def test_a_document_sealed_twice_by_ones_organisation_is_listed_once(directory):
    contractor = directory["contractor"]
    services.create_seal(organisation=contractor)
    legal = services.create_seal(organisation=contractor, seal_type=SealType.LEGAL_REPRESENTATIVE)
    doc = issue("施工合同摘要", directory["310115"], kind="contract_summary")
    services.seal_document(doc, organisation=contractor)
    services.seal_document(doc, organisation=contractor, seal=legal)
    page = login("ent_contractor").get("/documents/").content.decode()
    assert page.count(f"/documents/verify/{doc.verification_code}/") == 1
    assert "第 1 / 2 页" not in page


@pytest.mark.django_db
def test_document_and_seal_lists_empty_states(directory):
    documents = login("ent_builder").get("/documents/").content.decode()
    assert "还没有您可以查看的文书" in documents and "没有符合条件" not in documents
    seals = login("ent_builder").get("/documents/seals/").content.decode()
    assert "还没有您可以查看的电子印章" in seals


@pytest.mark.django_db
def test_seal_list_searches_and_paginates(directory, monkeypatch):
    monkeypatch.setattr("webapp.listing.PAGE_SIZE", 2)
    for key in ("contractor", "builder", "lessor"):
        services.create_seal(organisation=directory[key])
    city = login("admin")
    first = city.get("/documents/seals/").content.decode()
    assert "第 1 / 2 页" in first and "共 3 条" in first
    found = city.get("/documents/seals/?q=长江建工").content.decode()
    assert "上海长江建工集团有限公司" in found and "上海浦江建设集团有限公司" not in found
    assert "没有符合条件的电子印章" in city.get("/documents/seals/?q=不存在").content.decode()
    mine = login("ent_lessor").get("/documents/seals/").content.decode()
    assert "上海东起机械租赁有限公司" in mine and "上海浦江建设集团有限公司" not in mine
