import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import demo
from documents.models import Document, Seal


@pytest.mark.django_db
def test_demo_certificate_downloads_verifies_and_detects_alteration_end_to_end(directory, client, api):
    demo.load(lambda _m: None)
    demo.load(lambda _m: None)  # idempotent
    assert Document.objects.filter(number=demo.DEMO_CERTIFICATE_NUMBER).count() == 1
    assert Seal.objects.filter(organisation=directory["contractor"]).count() == 1
    cert = Document.objects.get(number=demo.DEMO_CERTIFICATE_NUMBER)

    # the QR target page offers the download
    page = client.get(f"/documents/verify/{cert.verification_code}/").content.decode()
    assert 'data-status="valid"' in page
    pdf = b"".join(client.get(f"/documents/verify/{cert.verification_code}/download/").streaming_content)

    ok = api().post("/api/documents/verify/", {"file": SimpleUploadedFile("c.pdf", pdf)}, format="multipart")
    assert ok.json()["status"] == "valid"

    altered = pdf.replace(b"/Producer", b"/Producex", 1)
    assert altered != pdf
    html = client.post("/documents/verify/", {"file": SimpleUploadedFile("c.pdf", altered)}).content.decode()
    assert 'data-status="altered"' in html
    bad = api().post("/api/documents/verify/", {"file": SimpleUploadedFile("c.pdf", altered)}, format="multipart")
    assert bad.json()["status"] == "altered"
