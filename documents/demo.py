"""Demo: e-seals for the demo regulators and enterprises, and one sealed certificate to download and verify."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps

from . import services
from .models import Document, Seal, SealType

DEMO_ORDER = 15
DEMO_CERTIFICATE_NUMBER = "沪建证〔演示〕00001号"


def load(out: Callable[[str], None]) -> None:
    Organisation = apps.get_model("organisations", "Organisation")
    orgs = list(Organisation.objects.filter(kind__in=["regulator", "agency", "enterprise"]).order_by("id"))
    made = 0
    for org in orgs:
        if not Seal.objects.filter(organisation=org, seal_type=SealType.OFFICIAL).exists():
            services.create_seal(organisation=org)
            made += 1
    out(f"    电子印章：新制 {made} 枚，共 {Seal.objects.count()} 枚")

    if Document.objects.filter(number=DEMO_CERTIFICATE_NUMBER).exists():
        return
    city = Organisation.objects.filter(kind="regulator", district__isnull=True).order_by("id").first()
    contractor = Organisation.objects.filter(name="上海浦江建设集团有限公司").first()
    if city is None or contractor is None:
        return
    document = services.issue_document(
        kind="certificate",
        title="建筑施工企业安全生产许可证",
        number=DEMO_CERTIFICATE_NUMBER,
        context={
            "holder": contractor.name,
            "fields": [
                ["统一社会信用代码", contractor.credit_code or ""],
                ["法定代表人", contractor.legal_representative],
                ["许可范围", "建筑施工"],
                ["发证机关", city.name],
            ],
            "valid_until": "2029年12月31日",
            "paragraphs": ["经审查，该企业符合《安全生产许可证条例》规定的安全生产条件，准予颁发安全生产许可证。"],
        },
        subject=contractor,
        issuer=city,
    )
    document = services.seal_document(document, organisation=city)
    out(f"    演示证书：{document.number}，核验地址 {services.public_verify_url(document.verification_code)}")
