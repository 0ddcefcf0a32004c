"""Writes for construction cranes: property filing (产权备案, M28), installation notice (安装告知) and scrapping.

Every function is one business operation: keyword-only arguments, one transaction, an audit record inside it.
Use registration (M29-M32) and dismantling (M33) are in :mod:`.registration`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from domain.errors import PermissionDeniedError, ProcedureError, TransitionNotAllowed
from domain.organisations.models import District, Organisation, User
from domain.organisations.roles import Role
from domain.organisations.selectors import users_with_role
from security import audit

from . import checks
from .models import (
    ACTIVE_INSTALLATION,
    Installation,
    Machine,
    MachineState,
    MachineType,
    PropertyFiling,
)
from .rules import REQUIRED_FILING_DOCUMENTS

FILING_PROCESS = "machinery_filing"
INSTALLATION_PROCESS = "machinery_installation"
TYPE_CODES = {"tower_crane": "T", "hoist_sc": "S", "hoist_ss": "W", "gantry_crane": "M", "bridge_crane": "Q"}


def _enterprise_of(user: Any) -> Organisation:
    org = getattr(user, "organisation", None)
    if org is None or org.is_regulator:
        raise PermissionDeniedError("只有企业用户可以办理此事项。")
    return org


def _start(key: str, **kwargs: Any) -> Any:
    from processes import engine

    return engine.start(key, **kwargs)


# ---------------------------------------------------------------- property filing (产权备案, M28)

MACHINE_FIELDS = (
    "machine_type", "model_name", "manufacturer", "manufacturing_licence_no", "product_certificate_no",
    "factory_serial_no", "factory_date", "rated_capacity", "safety_devices_ok",
)


def _machine_values(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in MACHINE_FIELDS[1:6]:
        value = str(data.get(name, "")).strip()
        if not value:
            errors[name] = "此项为必填项。"
        values[name] = value
    if data.get("machine_type") not in MachineType.values:
        errors["machine_type"] = "请选择设备类型。"
    values["machine_type"] = data.get("machine_type")
    try:
        raw_date = data.get("factory_date")
        values["factory_date"] = raw_date if isinstance(raw_date, date) else date.fromisoformat(str(raw_date))
        if values["factory_date"] > timezone.localdate():
            errors["factory_date"] = "出厂日期不能晚于今天。"
    except ValueError:
        errors["factory_date"] = "出厂日期格式应为 YYYY-MM-DD。"
    try:
        values["rated_capacity"] = Decimal(str(data.get("rated_capacity", "")))
        if values["rated_capacity"] <= 0:
            errors["rated_capacity"] = "额定起重力矩/载重量必须大于0。"
    except InvalidOperation:
        errors["rated_capacity"] = "额定起重力矩/载重量应为数字。"
    values["safety_devices_ok"] = bool(data.get("safety_devices_ok"))
    if errors:
        raise ValidationError(errors)
    return values


def submit_filing(
    *, acting_user: User, data: dict[str, Any], documents: dict[str, int], machine: Machine | None = None
) -> PropertyFiling:
    """The owner or lessor applies for property filing (产权备案) with the machine's particulars and documents;
    starts process ``machinery_filing`` (DMN screening, then officer review). ``machine``: re-apply for a machine
    that was refused before."""
    owner = _enterprise_of(acting_user)
    if owner.district_id is None:
        raise ProcedureError("本单位未登记所属区，无法确定备案机关，请先完善单位信息。")
    values = _machine_values(data)
    clean_docs = {k: int(v) for k, v in documents.items() if k in REQUIRED_FILING_DOCUMENTS and v}
    with transaction.atomic():
        if machine is None:
            if Machine.objects.filter(
                manufacturer=values["manufacturer"], factory_serial_no=values["factory_serial_no"]
            ).exists():
                raise ValidationError({"factory_serial_no": "该制造单位的此出厂编号已登记，请勿重复申请。"})
            machine = Machine.objects.create(
                owner=owner, district_id=owner.district_id, created_by=acting_user, **values
            )
        else:
            machine = Machine.objects.select_for_update().get(pk=machine.pk)
            if machine.owner_id != owner.pk:
                raise PermissionDeniedError("只能为本单位的设备申请备案。")
            if machine.state != MachineState.DRAFT or machine.filings.filter(state="submitted").exists():
                raise TransitionNotAllowed("该设备已备案或备案申请正在办理中。")
            for name, value in values.items():
                setattr(machine, name, value)
            machine.save(update_fields=list(values))
        filing = PropertyFiling.objects.create(
            machine=machine, applicant=owner, documents=clean_docs, submitted_by=acting_user
        )
        audit.record(
            action="machinery.filing_submitted",
            actor=acting_user,
            subject=filing,
            summary=f"申请产权备案：{machine.get_machine_type_display()} {machine.model_name}",
            after={**values, "documents": clean_docs},
        )
        instance = _start(
            FILING_PROCESS,
            subject=filing,
            acting_user=acting_user,
            business_key=f"machinery-filing-{filing.pk}",
            district_code=machine.district_id,
            variables={
                "filing_id": filing.pk,
                "machine_label": f"{machine.get_machine_type_display()} {machine.model_name}（{owner.name}）",
            },
        )
        PropertyFiling.objects.filter(pk=filing.pk).update(process_instance_id=instance.pk)
        filing.process_instance_id = instance.pk
    return filing


def _next_filing_number(machine: Machine) -> str:
    District.objects.select_for_update().get(pk=machine.district_id)  # one issuer at a time per district
    year = timezone.localdate().year
    prefix = f"沪{TYPE_CODES.get(machine.machine_type, 'X')}{machine.district_id[-3:]}-{year}-"
    count = Machine.objects.filter(filing_number__startswith=prefix).count()
    return f"{prefix}{count + 1:05d}"


def grant_filing(*, filing: PropertyFiling, acting_user: Any, opinion: str = "") -> PropertyFiling:
    """予以备案: issue the filing number (一机一号) and mark the machine filed."""
    with transaction.atomic():
        filing = PropertyFiling.objects.select_for_update().select_related("machine").get(pk=filing.pk)
        machine = Machine.objects.select_for_update().get(pk=filing.machine_id)
        machine.filing_number = _next_filing_number(machine)
        machine.filed_at = timezone.now()
        checks.transit(machine, "file", "该设备不能备案（已备案或缺少备案编号）。")
        machine.save(update_fields=["filing_number", "filed_at", "state"])
        checks.transit(filing, "approve", "该备案申请已办结。")
        filing.opinion = opinion
        filing.decided_at = timezone.now()
        filing.save(update_fields=["state", "opinion", "decided_at"])
        audit.record(
            action="machinery.filing_granted",
            actor=acting_user,
            subject=machine,
            summary=f"予以产权备案，备案编号 {machine.filing_number}",
            after={"filing_number": machine.filing_number},
        )
    return filing


def refuse_filing(
    *, filing: PropertyFiling, acting_user: Any, opinion: str, disqualifiers: list[dict[str, Any]] | None = None
) -> PropertyFiling:
    """不予备案, with the reasons (the DMN disqualifiers or the officer's opinion)."""
    with transaction.atomic():
        filing = PropertyFiling.objects.select_for_update().get(pk=filing.pk)
        checks.transit(filing, "refuse", "该备案申请已办结。")
        filing.opinion = opinion
        if disqualifiers is not None:
            filing.disqualifiers = disqualifiers
        filing.decided_at = timezone.now()
        filing.save(update_fields=["state", "opinion", "disqualifiers", "decided_at"])
        audit.record(
            action="machinery.filing_refused",
            actor=acting_user,
            subject=filing,
            summary=f"不予产权备案：{opinion}",
            after={"disqualifiers": filing.disqualifiers},
        )
    return filing


# ---------------------------------------------------------------- installation notice (安装告知)


def _check_contractor_can_review(contractor: Organisation) -> None:
    """The main contractor's review goes to every active enterprise operator (企业经办人) of it: it needs one."""
    if not users_with_role(Role.ENTERPRISE_OPERATOR).filter(organisation=contractor).exists():
        raise ProcedureError(f"{contractor.name} 没有可办理的企业经办人账号，无法接收安装告知。")


def _site_from_permit(site: dict[str, Any], main_contractor: Organisation) -> tuple[Any, dict[str, Any]]:
    """The construction permit (施工许可证) named by ``site["permit_number"]``, and the site's name, address and
    district as the permit states them; without a number, the site as typed (``None`` for the permit)."""
    from domain.sites.models import Permit

    number = str(site.get("permit_number") or "").strip()
    if not number:
        return None, site
    permit = Permit.objects.filter(permit_number=number).select_related("district").first()
    if permit is None:
        raise ValidationError({"permit_number": (
            f"未找到施工许可证 {number}：请核对编号。许可证由审批系统推送，尚未推送的可不填编号、按工程名称地址填写。"
        )})
    if not main_contractor.credit_code:
        raise ValidationError({"main_contractor": (
            f"{main_contractor.name} 未登记统一社会信用代码，无法与施工许可证上的施工单位核对。"
        )})
    if main_contractor.credit_code.strip().upper() != permit.contractor_credit_code.strip().upper():
        raise ValidationError({"main_contractor": (
            f"施工许可证 {number} 上的施工单位为 {permit.contractor_name}，与所选施工总承包单位 {main_contractor.name} 不一致。"
        )})
    return permit, {"name": permit.project_name, "address": permit.address, "district_code": permit.district_id}


def notify_installation(
    *,
    acting_user: User,
    machine: Machine,
    site: dict[str, Any],
    main_contractor: Organisation,
    supervising_engineer: User,
    installer: dict[str, Any],
    crew: list[dict[str, Any]],
    plan_summary: str,
    planned_start: date,
    planned_end: date,
    today: date | None = None,
) -> Installation:
    """Installation notice (安装告知), at least 2 working days before work starts; reviewed by the main contractor
    (any of its enterprise operators) and then the supervising engineer (process ``machinery_installation``).

    ``site`` = ``{"permit_number"}`` of the project's construction permit (施工许可证), whose project name, address
    and district are then taken, and whose contractor must be ``main_contractor``; or, for a project whose permit
    has not reached the platform, ``{"name", "address", "district_code"}`` as typed."""
    org = _enterprise_of(acting_user)
    today = today or timezone.localdate()
    machine = Machine.objects.get(pk=machine.pk)
    if machine.owner_id != org.pk:
        raise PermissionDeniedError("只能为本单位的设备办理安装告知。")
    if machine.state not in (MachineState.FILED, MachineState.DISMANTLED) or not machine.filing_number:
        raise TransitionNotAllowed("设备未办理产权备案（或仍在使用中），不得安装。")
    earliest = checks.add_working_days(today, 2)
    if planned_start < earliest:
        raise ValidationError({"planned_start": f"安装告知应在作业开始前至少2个工作日提交，最早可于 {earliest} 开始安装。"})
    if planned_end < planned_start:
        raise ValidationError({"planned_end": "计划完成日期不能早于开始日期。"})
    if not supervising_engineer.has_role(Role.SUPERVISING_ENGINEER):
        raise ValidationError({"supervising_engineer": f"{supervising_engineer} 不是监理工程师。"})
    if main_contractor.is_regulator:
        raise ValidationError({"main_contractor": "施工总承包单位应为企业。"})
    permit, site = _site_from_permit(site, main_contractor)
    district = District.objects.filter(pk=site.get("district_code")).first()
    if district is None:
        raise ValidationError({"site_district": "请选择工程所在区。"})
    if not str(site.get("name", "")).strip() or not str(site.get("address", "")).strip():
        raise ValidationError({"site_name": "请填写工程名称和地址。"})
    if not plan_summary.strip():
        raise ValidationError({"plan_summary": "请填写安装方案摘要。"})
    checks.check_firm(
        prefix="installer",
        name=str(installer.get("name", "")),
        qualification_no=str(installer.get("qualification_no", "")),
        safety_licence_no=str(installer.get("safety_licence_no", "")),
    )
    clean_crew = checks.check_crew(crew, needed_until=planned_end)
    _check_contractor_can_review(main_contractor)
    with transaction.atomic():
        machine = Machine.objects.select_for_update().get(pk=machine.pk)
        if machine.installations.filter(state__in=ACTIVE_INSTALLATION).exists():
            raise TransitionNotAllowed("该设备已有进行中的安装告知或仍在安装状态。")
        installation = Installation.objects.create(
            machine=machine,
            permit=permit,
            site_name=str(site["name"]).strip(),
            site_address=str(site["address"]).strip(),
            site_district=district,
            main_contractor=main_contractor,
            supervising_engineer=supervising_engineer,
            installer_name=str(installer["name"]).strip(),
            installer_qualification_no=str(installer["qualification_no"]).strip(),
            installer_safety_licence_no=str(installer["safety_licence_no"]).strip(),
            crew=clean_crew,
            plan_summary=plan_summary.strip(),
            planned_start=planned_start,
            planned_end=planned_end,
            notified_by=acting_user,
        )
        audit.record(
            action="machinery.installation_notified",
            actor=acting_user,
            subject=installation,
            summary=f"安装告知：{machine.filing_number} 于 {installation.site_name}，{planned_start} 开始",
            data={"permit_number": permit.permit_number if permit else ""},
        )
        _start(
            INSTALLATION_PROCESS,
            subject=installation,
            acting_user=acting_user,
            business_key=f"machinery-installation-{installation.pk}",
            district_code=district.pk,
            variables={
                "installation_id": installation.pk,
                "main_contractor_id": main_contractor.pk,
                "supervisor_username": supervising_engineer.username,
                "machine_label": f"{machine.get_machine_type_display()} {machine.filing_number}",
                "site_name": installation.site_name,
            },
        )
    return installation


def record_installation_opinion(
    *, installation: Installation, acting_user: Any, step: str, approved: bool, opinion: str
) -> Installation:
    """A reviewer's decision on the notice: ``step`` is ``contractor`` (施工总承包单位) or ``engineer`` (监理)."""
    with transaction.atomic():
        installation = Installation.objects.select_for_update().get(pk=installation.pk)
        installation.opinions = [
            *installation.opinions,
            {"step": step, "approved": approved, "opinion": opinion,
             "by": getattr(acting_user, "username", ""), "at": timezone.now().isoformat()},
        ]
        fields = ["opinions", "state"]
        if not approved:
            checks.transit(installation, "reject", "该安装告知已办结。")
        elif step == "contractor":
            checks.transit(installation, "confirm_by_contractor", "该安装告知不在待施工总承包单位确认状态。")
        else:
            checks.transit(installation, "accept", "该安装告知不在待监理审核状态。")
            machine = Machine.objects.select_for_update().get(pk=installation.machine_id)
            checks.transit(machine, "install", "设备未备案或不在可安装状态，不得安装。")
            machine.save(update_fields=["state"])
        installation.save(update_fields=fields)
        audit.record(
            action=f"machinery.installation_{'approved' if approved else 'rejected'}_{step}",
            actor=acting_user,
            subject=installation,
            summary=f"{'施工总承包单位' if step == 'contractor' else '监理'}{'确认' if approved else '退回'}安装告知：{opinion}",
        )
    return installation


# ---------------------------------------------------------------- scrapping (报废)


def scrap_machine(*, machine: Machine, acting_user: User, reason: str) -> Machine:
    """The owner scraps a machine that is not installed (报废). Final."""
    org = _enterprise_of(acting_user)
    if machine.owner_id != org.pk:
        raise PermissionDeniedError("只能报废本单位的设备。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写报废原因。"})
    with transaction.atomic():
        machine = Machine.objects.select_for_update().get(pk=machine.pk)
        before = machine.state
        checks.transit(machine, "scrap", "设备安装或使用中不能报废，已报废的设备不能再变更。")
        machine.save(update_fields=["state"])
        audit.record(
            action="machinery.scrapped",
            actor=acting_user,
            subject=machine,
            summary=f"设备报废：{reason.strip()}",
            before={"state": before},
            after={"state": machine.state},
        )
    return machine
