"""Reads of the enterprises context, always scoped, and the guards other modules call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from domain.organisations.models import Organisation
from domain.organisations.scoping import scope_queryset

from .models import (
    CaseState,
    CheckCase,
    LicenceState,
    Notice,
    NoticeState,
    Qualification,
    QualificationState,
    ReapplicationBan,
    RevocationCase,
    SafetyLicence,
    VerificationBatch,
)
from .services._common import today

FLAGGED = (QualificationState.FLAGGED_ABNORMAL, QualificationState.RECTIFYING)


# ---------------------------------------------------------------- guards (called by other modules)


def may_file_qualification_applications(org: Organisation, *, category: str = "") -> tuple[bool, str]:
    """Whether ``org`` may file a new qualification application (资质申请): not while a qualification is flagged
    abnormal (资质异常) or under rectification, nor during a re-application ban for ``category``."""
    flagged = Qualification.objects.filter(enterprise=org, state__in=FLAGGED).first()
    if flagged is not None:
        return (
            False,
            f"资质 {flagged.certificate_number} 处于“{flagged.get_state_display()}”状态，整改完成前不得申请资质。",
        )
    bans = ReapplicationBan.objects.filter(enterprise=org, ends_on__gte=today())
    if category:
        bans = bans.filter(category=category)
    ban = bans.first()
    if ban is not None:
        return False, f"{ban.reason}，{ban.ends_on:%Y年%m月%d日}前不得重新申请。"
    return True, ""


def may_file_contracts(org: Organisation) -> tuple[bool, str]:
    """Whether ``org`` may file new construction contracts (合同信息报送) or take new works: not with a suspended or
    revoked safety licence, nor while a qualification is flagged abnormal (整改期间不得承接新工程)."""
    ok, reason = _licence_ok(org)
    if not ok:
        return ok, reason
    flagged = Qualification.objects.filter(enterprise=org, state__in=FLAGGED).first()
    if flagged is not None:
        return (
            False,
            f"资质 {flagged.certificate_number} 处于“{flagged.get_state_display()}”状态，整改期间不得承接新的工程。",
        )
    return True, ""


def may_obtain_permits(org: Organisation) -> tuple[bool, str]:
    """Whether a construction permit (施工许可) may name ``org`` as contractor: not with a suspended or revoked
    safety licence."""
    return _licence_ok(org)


def _licence_ok(org: Organisation) -> tuple[bool, str]:
    blocked = SafetyLicence.objects.filter(
        enterprise=org, state__in=[LicenceState.SUSPENDED, LicenceState.REVOKED]
    )
    licence = blocked.first()
    if licence is None:
        return True, ""
    if licence.state == LicenceState.SUSPENDED:
        return (
            False,
            f"安全生产许可证 {licence.licence_number} 暂扣至{licence.suspended_until:%Y年%m月%d日}，暂扣期间不得承接新工程。",
        )
    return False, f"安全生产许可证 {licence.licence_number} 已被吊销。"


# ---------------------------------------------------------------- scoped reads


def qualifications_visible_to(user: Any) -> QuerySet[Qualification]:
    qs = Qualification.objects.select_related("enterprise", "issuing_authority")
    return scope_queryset(qs, user, organisation_fields=["enterprise"], district_field="enterprise__district")


def licences_visible_to(user: Any) -> QuerySet[SafetyLicence]:
    qs = SafetyLicence.objects.select_related("enterprise", "issuing_authority")
    return scope_queryset(qs, user, organisation_fields=["enterprise"], district_field="enterprise__district")


def cases_visible_to(user: Any) -> QuerySet[CheckCase]:
    qs = CheckCase.objects.select_related("batch", "enterprise", "district", "qualification", "licence")
    return scope_queryset(qs, user, organisation_fields=["enterprise"], district_field="district")


def batches_visible_to(user: Any) -> QuerySet[VerificationBatch]:
    """Regulators see the batches of their district (and city-wide ones); enterprises see none."""
    qs = VerificationBatch.objects.select_related("district", "started_by").annotate(
        case_count=Count("cases")
    )
    scoped = scope_queryset(qs, user, district_field="district", extra_q=_city_wide_for_regulators(user))
    return scoped.order_by("-started_on", "-id")


def _city_wide_for_regulators(user: Any) -> Q | None:
    org = getattr(user, "organisation", None)
    return Q(district__isnull=True) if org is not None and org.is_regulator else None


def notices_visible_to(user: Any) -> QuerySet[Notice]:
    """An enterprise sees only its own notices (我的文书); regulators those of their district."""
    qs = Notice.objects.select_related("enterprise", "district", "check_case", "revocation_case")
    return scope_queryset(qs, user, organisation_fields=["enterprise"], district_field="district")


def public_notices() -> QuerySet[Notice]:
    """Public-notice deliveries (公告送达) — published to everyone by law."""
    return (
        Notice.objects.filter(
            state__in=[NoticeState.PUBLISHED, NoticeState.SERVED], published_on__isnull=False
        )
        .select_related("enterprise", "district")
        .order_by("-published_on", "-id")
    )


def revocations_visible_to(user: Any) -> QuerySet[RevocationCase]:
    qs = RevocationCase.objects.select_related("enterprise", "district", "qualification", "licence")
    return scope_queryset(qs, user, organisation_fields=["enterprise"], district_field="district")


def search_cases(
    user: Any,
    *,
    batch: str = "",
    enterprise: str = "",
    district: str = "",
    state: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[CheckCase]:
    """The case query (按批次、企业、区、状态、时间)."""
    qs = cases_visible_to(user)
    if batch:
        qs = qs.filter(batch__number=batch)
    if enterprise:
        qs = qs.filter(
            Q(enterprise__name__icontains=enterprise) | Q(enterprise__credit_code=enterprise.upper())
        )
    if district:
        qs = qs.filter(district_id=district)
    if state:
        qs = qs.filter(state=state)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def case_statistics(cases: QuerySet[CheckCase]) -> dict[str, Any]:
    """Counts per stage and outcome (one grouped query each)."""
    by_state = dict(cases.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    rows = [{"state": s.value, "label": s.label, "count": by_state.get(s.value, 0)} for s in CaseState]
    by_district = list(
        cases.order_by()
        .values("district_id", "district__name")
        .annotate(n=Count("id"))
        .order_by("district_id")
    )
    return {"total": sum(by_state.values()), "by_state": rows, "by_district": by_district}
