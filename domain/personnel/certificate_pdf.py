"""The electronic certificate (电子证书): a sealed PDF with the holder's photo and details (with the photo's SM3
fingerprint) and the QR link to public verification (documents §4)."""

from __future__ import annotations

from typing import Any

from domain.organisations.models import Organisation, OrganisationKind
from security.crypto import sm3_hex
from security.fields import mask, plain

from .models import SafetyCertificate

COVER = {"A": "红色封皮", "B": "绿色封皮", "C": "蓝色封皮"}


def issuing_authority() -> Organisation | None:
    """The city commission (the provincial-level authority that issues the certificates)."""
    return Organisation.objects.filter(kind=OrganisationKind.REGULATOR, district__isnull=True, parent__isnull=True).first()


def photo_fingerprint(cert: SafetyCertificate) -> str:
    photo = cert.person.photo
    if not photo:
        return "未上传"
    with photo.open("rb") as fh:
        return sm3_hex(fh.read())[:16]


def photo_for_certificate(cert: SafetyCertificate) -> str:
    """The holder's photo as a small base64 JPEG for the certificate (empty when none was uploaded)."""
    import base64
    import io

    from PIL import Image

    photo = cert.person.photo
    if not photo:
        return ""
    with photo.open("rb") as fh, Image.open(fh) as original:
        small = original.convert("RGB")
        small.thumbnail((300, 420))
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=85)
    return base64.b64encode(out.getvalue()).decode()


def make_certificate_document(cert: SafetyCertificate, *, acting_user: Any = None) -> Any:
    from documents.services import issue_document, seal_document

    issuer = issuing_authority()
    person = cert.person
    document = issue_document(
        kind="certificate",
        title="建筑施工企业安全生产管理人员安全生产考核合格证书",
        context={
            "holder": person.name,
            "photo": photo_for_certificate(cert),
            "paragraphs": [f"经考核合格，准予颁发{cert.get_klass_display()}安全生产考核合格证书（{COVER[cert.category]}）。"],
            "fields": [
                ["证书编号", cert.number],
                ["姓名", person.name],
                ["身份证号码", mask(plain(person.id_number))],
                ["类别", cert.get_klass_display()],
                ["聘用单位", cert.employer_name],
                ["职务", cert.job_title or "—"],
                ["发证日期", cert.issued_on.isoformat() if cert.issued_on else ""],
                ["照片（SM3指纹）", photo_fingerprint(cert)],
            ],
            "valid_until": cert.valid_to.isoformat() if cert.valid_to else "",
        },
        subject=cert,
        issuer=issuer,
        acting_user=acting_user,
    )
    if issuer is not None:
        document = seal_document(document, organisation=issuer, acting_user=None)
    return document
