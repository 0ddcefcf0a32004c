"""Uploaded files: stored under unguessable names, only of accepted kinds, served only through permission-checked
views (never from MEDIA_URL) and never as a page that could run in the platform's origin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from domain.contracts import changes
from domain.enterprises import services
from domain.enterprises.models import CheckCase, Evidence, NoticeKind
from domain.errors import ProcedureError
from domain.organisations.models import User
from tests.domain.contracts import factories as contract_factories
from tests.domain.enterprises import factories as enterprise_factories

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 2)


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def contract_models(publish_models):
    publish_models("contract_signing", "contract_payment", "contract_change")


@pytest.fixture
def text_change(contract_models, directory, user):
    contract = contract_factories.announced()
    return changes.change_file(
        contract=contract, kind="contract_text", changed_on=timezone.localdate(), data={"summary": "增加防水工程"},
        reason="设计变更", acting_user=user("ent_employer"),
        agreement=b"%PDF-1.4 supplementary agreement", agreement_name="<script>补充协议.pdf",
    )


def test_a_change_agreement_is_stored_unguessably_and_served_to_who_sees_the_contract(text_change):
    name = text_change.agreement.name
    assert name.startswith("contracts/changes/") and "补充协议" not in name and "script" not in name
    url = f"/contracts/{text_change.contract_id}/changes/{text_change.pk}/agreement/"
    response = login("ent_employer").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 supplementary agreement"
    assert response["Content-Security-Policy"] == "sandbox" and response["X-Attachment-SM3"] == text_change.agreement_sm3
    assert login("officer_pd").get(url).status_code == 200  # the district reviewing the change
    assert login("ent_lessor").get(url).status_code == 404  # not a party
    assert "补充协议" in login("ent_employer").get(f"/contracts/{text_change.contract_id}/").content.decode()


def test_media_url_serves_nothing_even_in_demo(text_change, settings):
    assert Client().get(f"/media/{text_change.agreement.name}").status_code == 404
    assert login("ent_employer").get(f"/media/{text_change.agreement.name}").status_code == 404


def test_an_html_agreement_is_refused(contract_models, directory, user):
    contract = contract_factories.announced()
    with pytest.raises(ValidationError) as err:
        changes.change_file(contract=contract, kind="contract_text", changed_on=timezone.localdate(),
                            data={"summary": "x"}, reason="设计变更", acting_user=user("ent_employer"),
                            agreement=b"<script>alert(1)</script>", agreement_name="agreement.html")
    assert "不支持该文件类型" in err.value.message_dict["agreement"][0]


@pytest.fixture
def submitted(directory, user):
    enterprise_factories.qualification(directory["contractor"], short=3)
    batch = services.publish_batch(kind="qualification", title="核查批次", acting_user=user("officer_pd"), on=ON)
    case = CheckCase.objects.get(batch=batch)
    services.receive_online(notice=case.notices.get(kind=NoticeKind.RECTIFICATION), acting_user=user("ent_contractor"),
                            on=ON)
    services.submit_rectification(case=case, acting_user=user("ent_contractor"), data={"measures": "新增建造师"},
                                  files=[enterprise_factories.evidence("社保缴纳证明.pdf")], on=ON + dt.timedelta(days=5))
    return case


def test_evidence_is_listed_and_served_to_who_sees_the_case(submitted):
    evidence = Evidence.objects.get(submission__case=submitted)
    assert evidence.file.name.startswith("enterprises/evidence/") and "社保" not in evidence.file.name
    url = f"/enterprises/cases/{submitted.pk}/evidence/{evidence.pk}/"
    assert url in login("officer_pd").get(f"/enterprises/cases/{submitted.pk}/").content.decode()
    response = login("officer_pd").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-1.4 evidence")
    assert login("ent_contractor").get(url).status_code == 200
    assert login("ent_employer").get(url).status_code == 404
    assert login("officer_hp").get(url).status_code == 404


def test_evidence_of_an_unaccepted_kind_is_refused(directory, user):
    enterprise_factories.qualification(directory["contractor"], short=3)
    batch = services.publish_batch(kind="qualification", title="核查批次", acting_user=user("officer_pd"), on=ON)
    case = CheckCase.objects.get(batch=batch)
    services.receive_online(notice=case.notices.get(kind=NoticeKind.RECTIFICATION), acting_user=user("ent_contractor"),
                            on=ON)
    page = SimpleUploadedFile("说明.html", b"<script>x</script>", content_type="text/html")
    with pytest.raises(ProcedureError) as err:
        services.submit_rectification(case=case, acting_user=user("ent_contractor"), data={"measures": "新增建造师"},
                                      files=[page], on=ON + dt.timedelta(days=5))
    assert "不支持该文件类型" in err.value.message
    assert not Evidence.objects.exists()


# -------------------------------------------------------------- a refused upload leaves no file behind (storage)


def media_files(settings) -> set[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def refusal(client: Client, response) -> str:
    """The refusal's message as the person sees it: on the page answered (4xx) or the one redirected to."""
    if response.status_code == 302:
        return client.get(response["Location"]).content.decode()
    assert 400 <= response.status_code < 500
    return response.content.decode()


def _change_post(name: str = "补充协议.pdf", body: bytes = b"%PDF-1.4 supplementary agreement") -> dict:
    return {"kind": "contract_text", "changed_on": timezone.localdate().isoformat(), "summary": "增加防水工程",
            "reason": "设计变更", "agreement": SimpleUploadedFile(name, body, content_type="application/pdf")}


def test_a_change_refused_after_its_agreement_was_written_leaves_no_file(publish_models, directory, settings):
    """The agreement is stored, the change row written, then starting its procedure is refused (not published): the
    rows are rolled back and so is the file."""
    from domain.contracts.models import ContractChange

    publish_models("contract_signing", "contract_payment")  # not contract_change
    contract = contract_factories.announced()
    before = media_files(settings)
    client = login("ent_employer")
    response = client.post(f"/contracts/{contract.pk}/changes/", _change_post())
    assert "尚未发布" in refusal(client, response)
    assert not ContractChange.objects.exists()
    assert media_files(settings) == before


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_keeps_its_agreement(publish_models, directory, settings):
    """Outside the test's own transaction: the request's transaction really commits, the file stays and is served."""
    from domain.contracts.models import ContractChange

    publish_models("contract_signing", "contract_payment", "contract_change")
    contract = contract_factories.announced()
    before = media_files(settings)
    client = login("ent_employer")
    assert client.post(f"/contracts/{contract.pk}/changes/", _change_post()).status_code == 302
    change = ContractChange.objects.get()
    assert media_files(settings) - before == {change.agreement.name}
    response = client.get(f"/contracts/{contract.pk}/changes/{change.pk}/agreement/")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 supplementary agreement"


def test_an_agreement_refused_before_it_is_stored_writes_nothing(contract_models, directory, settings, monkeypatch):
    from domain.contracts.models import ContractChange

    contract = contract_factories.announced()
    before = media_files(settings)
    client = login("ent_employer")
    response = client.post(f"/contracts/{contract.pk}/changes/", _change_post("补充协议.html", b"<script>x</script>"))
    assert "不支持该文件类型" in refusal(client, response)
    monkeypatch.setattr("domain.contracts.changes.MAX_AGREEMENT", 8)
    response = client.post(f"/contracts/{contract.pk}/changes/", _change_post())
    assert "文件过大" in refusal(client, response)
    assert not ContractChange.objects.exists()
    assert media_files(settings) == before


def test_an_attachment_refused_before_it_is_stored_writes_nothing(api, directory, settings, monkeypatch):
    from tasks.models import Attachment

    client = api("ent_lessor")
    page = SimpleUploadedFile("说明.html", b"<script>x</script>", content_type="text/html")
    assert client.post("/api/attachments/", {"file": page}, format="multipart").status_code == 400
    monkeypatch.setattr("tasks.attachments.MAX_BYTES", 8)
    big = SimpleUploadedFile("a.pdf", b"%PDF-1.4 too large", content_type="application/pdf")
    assert client.post("/api/attachments/", {"file": big}, format="multipart").status_code == 400
    assert not Attachment.objects.exists()
    assert media_files(settings) == set()
