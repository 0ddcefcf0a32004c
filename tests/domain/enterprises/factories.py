"""One factory per model of the enterprises context."""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from domain.enterprises.models import Qualification, SafetyLicence
from domain.organisations.models import Organisation

_seq = itertools.count(1)


def qualification(
    enterprise: Organisation, *, short: int = 0, insurance_gap: bool = False, **kw
) -> Qualification:
    n = next(_seq)
    return Qualification.objects.create(
        enterprise=enterprise,
        category=kw.pop("category", "建筑工程施工总承包"),
        grade=kw.pop("grade", "二级"),
        certificate_number=kw.pop("certificate_number", f"D231{n:06d}"),
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2029, 1, 1),
        required_staff=12,
        registered_staff=12 - short,
        social_insurance_gap=insurance_gap,
        **kw,
    )


def licence(enterprise: Organisation, *, managers_short: int = 0, **kw) -> SafetyLicence:
    n = next(_seq)
    return SafetyLicence.objects.create(
        enterprise=enterprise,
        licence_number=kw.pop("licence_number", f"(沪)JZ安许证字[2024]{n:06d}"),
        valid_from=kw.pop("valid_from", dt.date(2024, 1, 1)),
        valid_to=kw.pop("valid_to", dt.date(2027, 1, 1)),
        required_constructors=10,
        project_managers=10 - managers_short,
        **kw,
    )


def evidence(name: str = "社保缴纳证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence " + name.encode(), content_type="application/pdf")
