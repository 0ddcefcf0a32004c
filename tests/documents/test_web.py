import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.models import Seal


@pytest.fixture
def sealed(certificate, directory):
    return services.seal_document(certificate, organisation=directory["310115"])


def _upload(data: bytes, name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _altered(data: bytes) -> bytes:
    tampered = bytearray(data)
    tampered[len(data) // 3] ^= 0x20
    return bytes(tampered)


@pytest.mark.django_db
def test_api_verifies_valid_and_altered_documents_anonymously(api, sealed):
    client = api()
    resp = client.post("/api/documents/verify/", {"file": _upload(sealed.pdf_bytes())}, format="multipart")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "valid" and body["valid"] is True
    assert body["document"]["number"] == sealed.number
    assert body["signatures"][0]["organisation"] == "浦东新区建设和交通委员会"
    resp = client.post("/api/documents/verify/", {"file": _upload(_altered(sealed.pdf_bytes()))}, format="multipart")
    assert resp.status_code == 200
    assert resp.json()["status"] == "altered" and resp.json()["valid"] is False


@pytest.mark.django_db
def test_api_rejects_missing_or_non_pdf_uploads_with_a_message(api, db):
    client = api()
    resp = client.post("/api/documents/verify/", {}, format="multipart")
    assert resp.status_code == 400 and "PDF" in resp.json()["detail"]
    resp = client.post("/api/documents/verify/", {"file": _upload(b"GIF89a...", "x.pdf")}, format="multipart")
    assert resp.status_code == 400 and resp.json()["detail"] == "上传的文件不是 PDF 文件。"


@pytest.mark.django_db
def test_public_page_verifies_an_upload(client, sealed):
    resp = client.post("/documents/verify/", {"file": _upload(sealed.pdf_bytes())})
    assert resp.status_code == 200
    assert 'data-status="valid"' in resp.content.decode()
    resp = client.post("/documents/verify/", {"file": _upload(_altered(sealed.pdf_bytes()))})
    html = resp.content.decode()
    assert 'data-status="altered"' in html and "已被篡改" in html
    resp = client.post("/documents/verify/", {"file": _upload(b"not a pdf")})
    assert resp.status_code == 400 and "不是 PDF" in resp.content.decode()


@pytest.mark.django_db
def test_qr_link_shows_the_document_and_downloads_it(client, sealed):
    resp = client.get(f"/documents/verify/{sealed.verification_code}/")
    html = resp.content.decode()
    assert resp.status_code == 200 and sealed.number in html and 'data-status="valid"' in html
    download = client.get(f"/documents/verify/{sealed.verification_code}/download/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == sealed.pdf_bytes()
    assert client.get("/documents/verify/no-such-code/").status_code == 404


@pytest.mark.django_db
def test_qr_link_reports_a_revoked_seal(client, sealed):
    services.revoke_seal(sealed.signatures.get().seal, reason="私钥泄露")
    html = client.get(f"/documents/verify/{sealed.verification_code}/").content.decode()
    assert 'data-status="revoked_seal"' in html


@pytest.mark.django_db
def test_document_list_is_scoped(client, sealed):
    client.login(username="officer_pd", password="jianguan-demo")
    assert sealed.number in client.get("/documents/").content.decode()
    client.login(username="officer_hp", password="jianguan-demo")
    assert sealed.number not in client.get("/documents/").content.decode()
    client.login(username="ent_lessor", password="jianguan-demo")
    assert sealed.number not in client.get("/documents/").content.decode()


@pytest.mark.django_db
def test_only_own_organisation_leaders_or_admin_revoke_a_seal(client, sealed):
    seal = sealed.signatures.get().seal
    client.login(username="ent_contractor", password="jianguan-demo")
    assert client.post(f"/documents/seals/{seal.pk}/revoke/", {"reason": "x"}).status_code == 404
    client.login(username="officer_pd", password="jianguan-demo")
    refused = client.post(f"/documents/seals/{seal.pk}/revoke/", {"reason": "x"})  # the seals page, with the reason
    assert refused.status_code == 403 and "只有本单位负责人或系统管理员可以吊销电子印章。" in refused.content.decode()
    assert not Seal.objects.get(pk=seal.pk).is_revoked
    client.login(username="admin", password="jianguan-demo")
    assert client.post(f"/documents/seals/{seal.pk}/revoke/", {"reason": "印章遗失"}).status_code == 302
    assert Seal.objects.get(pk=seal.pk).is_revoked


@pytest.mark.django_db
@pytest.mark.parametrize(("reason", "message"), [("", "请填写吊销原因。"), ("长" * 201, "吊销原因不能超过 200 个字。")])
def test_a_revocation_without_a_fitting_reason_is_a_400(client, sealed, reason, message):
    """A reason longer than its column was a database error (a 500) on PostgreSQL; now the seals page again with
    the message, and the seal stays valid."""
    seal = sealed.signatures.get().seal
    client.login(username="admin", password="jianguan-demo")
    response = client.post(f"/documents/seals/{seal.pk}/revoke/", {"reason": reason})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Seal.objects.get(pk=seal.pk).is_revoked


@pytest.mark.django_db
def test_integrity_page_for_administrators_only(client, directory):
    client.login(username="officer_pd", password="jianguan-demo")
    assert client.get("/documents/integrity/").status_code == 403
    client.login(username="admin", password="jianguan-demo")
    html = client.get("/documents/integrity/").content.decode()
    assert "审计链完整" in html and "全部角色分配校验通过" in html


@pytest.mark.django_db
def test_home_shows_the_documents_card_and_admins_the_integrity_card(client, directory):
    client.login(username="officer_pd", password="jianguan-demo")
    html = client.get("/").content.decode()
    assert "文书与电子印章" in html and "/documents/integrity/" not in html
    client.login(username="admin", password="jianguan-demo")
    assert "/documents/integrity/" in client.get("/").content.decode()


@pytest.mark.django_db
def test_openapi_schema_documents_the_verify_endpoint(client):
    resp = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert resp.status_code == 200
    assert "/api/documents/verify/" in resp.content.decode()
