"""Demo data: qualifications and licences for the demo contractor and two more enterprises, a qualification check
batch in progress (notices delivered online, on site and by public notice; one rectification returned for
evidence), a safety-licence suspension, and a revocation case waiting for legal review by ``legal_city``.
Idempotent: nothing is added when the demo batch already exists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domain.organisations.credit_code import make_code
from domain.organisations.models import District, EnterpriseType, Organisation, OrganisationKind, User

from . import services
from .models import CheckCase, NoticeKind, Qualification, RevocationCase, SafetyLicence, VerificationBatch

DEMO_ORDER = 60
BATCH_TITLE = "2026年第一批建筑业企业资质动态核查（演示）"

EXTRA_ENTERPRISES = {
    # name: (district, credit-code prefix, legal representative)
    "上海金桥建筑工程有限公司": ("310115", "91310115MA1J7K8L9", "陈立新"),
    "上海外滩安装工程有限公司": ("310101", "91310101MA1P2Q3R4", "刘建华"),
}


def _u(username: str) -> User:
    return User.objects.get(username=username)


def _enterprises() -> list[Organisation]:
    contractor = _u("ent_contractor").organisation
    assert contractor is not None
    orgs = [contractor]
    for name, (district, prefix, legal) in EXTRA_ENTERPRISES.items():
        org, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.ENTERPRISE,
            name=name,
            defaults={
                "enterprise_type": EnterpriseType.CONTRACTOR,
                "district": District.objects.get(pk=district),
                "credit_code": make_code(prefix),
                "legal_representative": legal,
                "contact_name": legal,
            },
        )
        orgs.append(org)
    return orgs


def _credentials(orgs: list[Organisation]) -> None:
    today = timezone.localdate()
    rows = [
        # (org index, category, grade, number, required, registered, insurance gap)
        (0, "建筑工程施工总承包", "一级", "D131000001", 25, 22, False),  # short of staff → in the batch
        (0, "市政公用工程施工总承包", "二级", "D231000002", 12, 12, False),
        (0, "地基基础工程专业承包", "二级", "D231000003", 10, 10, False),  # revocation case (fraud)
        (1, "建筑工程施工总承包", "二级", "D231000004", 12, 12, True),  # insurance gap → in the batch
        (2, "建筑机电安装工程专业承包", "二级", "D231000005", 8, 6, False),  # other district
    ]
    for idx, category, grade, number, required, registered, gap in rows:
        Qualification.objects.get_or_create(
            certificate_number=number,
            defaults={
                "enterprise": orgs[idx],
                "category": category,
                "grade": grade,
                "valid_from": today - dt.timedelta(days=700),
                "valid_to": today + dt.timedelta(days=1100),
                "required_staff": required,
                "registered_staff": registered,
                "social_insurance_gap": gap,
            },
        )
    for idx, number in (
        (0, "(沪)JZ安许证字[2024]150001"),
        (1, "(沪)JZ安许证字[2024]150002"),
        (2, "(沪)JZ安许证字[2023]010003"),
    ):
        SafetyLicence.objects.get_or_create(
            licence_number=number,
            defaults={
                "enterprise": orgs[idx],
                "valid_from": today - dt.timedelta(days=400),
                "valid_to": today + dt.timedelta(days=700),
                "required_constructors": 10,
                "project_managers": 12,
            },
        )


def _complete(instance_id: int | None, username: str, element: str, data: dict[str, Any]) -> bool:
    """Complete the open work item ``element`` as ``username``; False when the case runs without a procedure."""
    if instance_id is None:
        return False
    from processes import engine
    from tasks.selectors import items_of_instance

    item = next(
        i
        for i in items_of_instance(instance_id)
        if i.status in ("open", "claimed") and i.element_id == element
    )
    engine.complete_work_item(item.pk, data=data, acting_user=_u(username))
    return True


def _evidence_data(case: CheckCase, username: str) -> dict[str, Any]:
    from tasks.attachments import store_attachment

    upload = SimpleUploadedFile("社保缴纳证明.pdf", b"%PDF-1.4 demo evidence", content_type="application/pdf")
    att = store_attachment(upload, user=_u(username), instance_id=case.process_instance_id)
    return {"measures": "已新增注册建造师3名并补缴社保", "evidence": [att.pk], "commitment": True}


def _batch(out: Callable[[str], None]) -> None:
    batch = services.publish_batch(kind="qualification", title=BATCH_TITLE, acting_user=_u("officer_pd"))
    cases = list(CheckCase.objects.filter(batch=batch).select_related("enterprise"))
    contractor_case = next(c for c in cases if c.enterprise == _u("ent_contractor").organisation)
    services.receive_online(notice=contractor_case.notices.get(), acting_user=_u("ent_contractor"))
    contractor_case = CheckCase.objects.get(pk=contractor_case.pk)
    data = _evidence_data(contractor_case, "ent_contractor")
    if _complete(contractor_case.process_instance_id, "ent_contractor", "rectify", data):
        _complete(
            contractor_case.process_instance_id,
            "officer_pd",
            "accept",
            {"result": "return", "opinion": "社保缴纳证明仅1个月，请补充近3个月缴费记录"},
        )
    for case in cases:
        if case.pk == contractor_case.pk:
            continue
        services.publish_public_notice(
            notice=case.notices.get(),
            acting_user=_u("officer_pd"),
            reason="经电话及上门联系，企业注册地址无人办公，无法直接送达",
        )
    out(f"    check batch {batch.number}: {len(cases)} cases")


def _revocation(orgs: list[Organisation], out: Callable[[str], None]) -> None:
    qual = Qualification.objects.get(certificate_number="D231000003")
    case = services.open_revocation(
        kind="revoke",
        ground="fraud",
        credential=qual,
        acting_user=_u("officer_pd"),
        facts="经核查，该企业申报地基基础工程专业承包二级资质时提交的3项工程业绩合同系伪造。",
        reasons="以欺骗手段取得建筑业企业资质。",
        basis="《中华人民共和国行政许可法》第六十九条第二款、第七十九条；《建筑业企业资质管理规定》第三十五条",
    )
    services.receive_online(
        notice=case.notices.get(kind=NoticeKind.PRIOR_NOTICE), acting_user=_u("ent_contractor")
    )
    case = RevocationCase.objects.get(pk=case.pk)
    pid = case.process_instance_id
    statement = {"statement": "相关业绩系分包单位提供，我单位对材料真实性审核不严，请求从轻处理。"}
    if _complete(pid, "ent_contractor", "defence", statement):
        for username, element in (
            ("officer_pd", "d_accept"),
            ("reviewer_pd", "d_review"),
            ("approver_pd", "d_approve"),
        ):
            _complete(
                pid, username, element, {"result": "reject", "opinion": "业绩造假事实清楚，申辩理由不能成立"}
            )
    else:
        services.submit_defence(case=case, acting_user=_u("ent_contractor"), statement=statement["statement"])
        for username in ("officer_pd", "reviewer_pd", "approver_pd"):
            services.handle_defence(
                case=case, acting_user=_u(username), adopted=False, opinion="申辩理由不能成立"
            )
    out(f"    revocation {case.number}: waiting for legal review (legal_city)")


def _licence(out: Callable[[str], None]) -> None:
    licence = SafetyLicence.objects.get(licence_number="(沪)JZ安许证字[2023]010003")
    today = timezone.localdate()
    accident = services.record_accident(
        licence=licence,
        acting_user=_u("officer_hp"),
        occurred_on=today - dt.timedelta(days=3),
        level="general",
        fatalities=1,
        description="高处坠落，1人死亡",
    )
    services.decide_suspension(licence=licence, accident=accident, days=30, acting_user=_u("approver_hp"))
    out("    safety licence suspended 30 days")


def load(out: Callable[[str], None]) -> None:
    if VerificationBatch.objects.filter(title=BATCH_TITLE).exists():
        return
    orgs = _enterprises()
    _credentials(orgs)
    _batch(out)
    _revocation(orgs, out)
    _licence(out)
