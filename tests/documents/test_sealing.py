import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied

from documents import services
from documents.models import Document, DocumentSignature
from documents.verify import ALTERED, NOT_FOUND, REVOKED_SEAL, UNKNOWN_SEAL, VALID, InvalidPdf, verify_pdf
from security.models import AuditEvent


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.django_db
def test_issued_document_is_numbered_digested_and_verifies_unsealed(certificate):
    from security.crypto import sm3_hex

    data = certificate.pdf_bytes()
    assert certificate.number.startswith("沪建证〔") and certificate.number.endswith("号")
    assert certificate.content_sm3 == sm3_hex(data) == certificate.current_sm3
    assert verify_pdf(data).status == VALID
    assert AuditEvent.objects.filter(action="documents.issued").count() == 1


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_embeds_the_cjk_font_and_text_extracts(certificate, tmp_path):
    data = certificate.pdf_bytes()
    text = _pdftotext(data, tmp_path)
    assert "建筑施工企业安全生产许可证" in text
    assert "上海浦江建设集团有限公司" in text
    assert certificate.number in text
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=False).stdout.decode()
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line]
    assert cjk and " yes " in cjk[0]  # embedded TrueType subset, not a CID font reference


@pytest.mark.django_db
def test_sealed_document_verifies_valid_and_carries_its_signature(certificate, directory, user):
    doc = services.seal_document(certificate, organisation=directory["310115"], acting_user=user("officer_pd"))
    data = doc.pdf_bytes()
    result = verify_pdf(data)
    assert result.status == VALID, result.as_dict()
    assert result.document == doc
    assert [s.organisation for s in result.signatures] == ["浦东新区建设和交通委员会"]
    # the signature travels inside the PDF: it verifies with no help from the signature table
    DocumentSignature.objects.all().delete()
    assert verify_pdf(data).status == VALID


@pytest.mark.django_db
def test_one_changed_byte_anywhere_is_detected(certificate, directory):
    data = services.seal_document(certificate, organisation=directory["310115"], acting_user=None).pdf_bytes()
    for offset in (len(data) // 7, len(data) // 2, len(data) - 40):
        tampered = bytearray(data)
        tampered[offset] ^= 0x01
        try:
            status = verify_pdf(bytes(tampered)).status
        except InvalidPdf:
            status = ALTERED
        assert status == ALTERED, offset


@pytest.mark.django_db
def test_appended_revision_after_sealing_is_detected(certificate, directory):
    from io import BytesIO

    from pypdf import PdfWriter

    data = services.seal_document(certificate, organisation=directory["310115"]).pdf_bytes()
    writer = PdfWriter(BytesIO(data), incremental=True)
    writer.add_metadata({"/Title": "伪造的证书"})
    out = BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(data)
    assert verify_pdf(out.getvalue()).status == ALTERED


@pytest.mark.django_db
def test_several_parties_seal_in_turn(certificate, directory):
    services.seal_document(certificate, organisation=directory["310115"])
    doc = services.seal_document(certificate, organisation=directory["contractor"])
    result = verify_pdf(doc.pdf_bytes())
    assert result.status == VALID
    assert [s.organisation for s in result.signatures] == ["浦东新区建设和交通委员会", "上海浦江建设集团有限公司"]


@pytest.mark.django_db
def test_revoked_seal_fails_verification(certificate, directory):
    doc = services.seal_document(certificate, organisation=directory["310115"])
    services.revoke_seal(doc.signatures.get().seal, reason="印章遗失")
    assert verify_pdf(doc.pdf_bytes()).status == REVOKED_SEAL


@pytest.mark.django_db
def test_seal_unknown_to_the_platform_is_reported(certificate, directory):
    doc = services.seal_document(certificate, organisation=directory["310115"])
    data = doc.pdf_bytes()
    doc.signatures.all().delete()
    from documents.models import Seal

    Seal.objects.all().delete()
    assert verify_pdf(data).status == UNKNOWN_SEAL


@pytest.mark.django_db
def test_foreign_pdf_is_not_found_and_garbage_is_rejected(certificate):
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buf = BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 700, "not ours")
    c.save()
    assert verify_pdf(buf.getvalue()).status == NOT_FOUND
    with pytest.raises(InvalidPdf):
        verify_pdf(b"hello")
    with pytest.raises(InvalidPdf):
        verify_pdf(b"%PDF-1.4 broken")


@pytest.mark.django_db
def test_enterprise_user_cannot_apply_another_organisations_seal(certificate, directory, user):
    with pytest.raises(PermissionDenied):
        services.seal_document(certificate, organisation=directory["310115"], acting_user=user("ent_contractor"))
    assert not Document.objects.get(pk=certificate.pk).signatures.exists()


@pytest.mark.django_db
def test_no_single_byte_change_anywhere_verifies_or_crashes(certificate, directory):
    """Flip one byte at ~150 positions spread over the whole sealed file: each result is 'altered' or a
    readable refusal (InvalidPdf) — never 'valid', never an unexpected exception."""
    data = services.seal_document(certificate, organisation=directory["310115"]).pdf_bytes()
    step = max(1, len(data) // 150)
    for offset in range(0, len(data), step):
        tampered = bytearray(data)
        tampered[offset] ^= 0x5A
        try:
            status = verify_pdf(bytes(tampered)).status
        except InvalidPdf:
            continue
        assert status != VALID, offset
