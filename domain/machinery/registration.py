"""Writes for use registration (使用登记, M29-M32) and the dismantling notice (拆卸告知, M33)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from domain.errors import PermissionDeniedError, ProcedureError, TransitionNotAllowed
from domain.organisations.models import Organisation, OrganisationKind, User
from integrations import events, outbox
from security import audit

from . import checks
from .models import (
    DISMANTLING_CHECKLIST,
    Dismantling,
    Installation,
    InstallationState,
    Machine,
    MachineState,
    RegistrationState,
    UseRegistration,
)

USE_REGISTRATION_PROCESS = "machinery_use_registration"
DISMANTLING_PROCESS = "machinery_dismantling"
NATIONAL_CODE_CHANNEL = "national_platform.use_registration"
NATIONAL_CODE_MESSAGE = "machinery_national_code"
APPLY_WITHIN_DAYS = 30  # 自验收合格之日起30日内办理使用登记
REMIND_DAYS_BEFORE_EXPIRY = 30


def _start(key: str, **kwargs: Any) -> Any:
    from processes import engine

    return engine.start(key, **kwargs)


def _opinion(obj: Any, *, step: str, acting_user: Any, approved: bool, opinion: str) -> None:
    obj.opinions = [
        *obj.opinions,
        {"step": step, "approved": approved, "opinion": opinion,
         "by": getattr(acting_user, "username", ""), "at": timezone.now().isoformat()},
    ]


# ---------------------------------------------------------------- applying (申请使用登记)


def apply_use_registration(
    *,
    acting_user: User,
    installation: Installation,
    inspection_body: str,
    inspection_report_no: str,
    inspected_on: date,
    inspection_valid_until: date,
    accepted_on: date,
    operators: list[dict[str, Any]],
    documents: dict[str, int] | None = None,
    today: date | None = None,
) -> UseRegistration:
    """The user (the main contractor) applies within 30 days of acceptance with the inspection report, the
    acceptance record and the special-operator list; starts ``machinery_use_registration``."""
    today = today or timezone.localdate()
    installation = Installation.objects.select_related("machine", "supervising_engineer").get(pk=installation.pk)
    org = getattr(acting_user, "organisation", None)
    if org is None or org.pk != installation.main_contractor_id:
        raise PermissionDeniedError("使用登记应由该工程的施工总承包单位（使用单位）申请。")
    if installation.state != InstallationState.ACCEPTED:
        raise TransitionNotAllowed("安装告知尚未经施工总承包单位和监理审核通过，不能申请使用登记。")
    errors: dict[str, str] = {}
    if not inspection_body.strip():
        errors["inspection_body"] = "请填写检验检测机构。"
    if not inspection_report_no.strip():
        errors["inspection_report_no"] = "请填写检验报告编号。"
    if accepted_on < inspected_on:
        errors["accepted_on"] = "验收应在检验合格之后。"
    if accepted_on > today:
        errors["accepted_on"] = "验收日期不能晚于今天。"
    if inspection_valid_until <= today:
        errors["inspection_valid_until"] = "检验报告已过有效期，请重新检验。"
    if errors:
        raise ValidationError(errors)
    if (today - accepted_on).days > APPLY_WITHIN_DAYS:
        raise ProcedureError(
            f"应自验收合格之日起{APPLY_WITHIN_DAYS}日内办理使用登记（验收日期 {accepted_on}），已逾期，"
            "请重新组织检验和验收后再申请。"
        )
    clean_operators = checks.check_crew(operators, needed_until=today)
    with transaction.atomic():
        installation = Installation.objects.select_for_update().get(pk=installation.pk)
        if installation.registrations.exclude(state=RegistrationState.REFUSED).exists():
            raise TransitionNotAllowed("该设备在本工程已申请使用登记。")
        registration = UseRegistration.objects.create(
            installation=installation,
            machine_id=installation.machine_id,
            applicant=org,
            inspection_body=inspection_body.strip(),
            inspection_report_no=inspection_report_no.strip(),
            inspected_on=inspected_on,
            inspection_valid_until=inspection_valid_until,
            accepted_on=accepted_on,
            operators=clean_operators,
            documents={k: int(v) for k, v in (documents or {}).items() if v},
            submitted_by=acting_user,
        )
        audit.record(
            action="machinery.use_registration_applied",
            actor=acting_user,
            subject=registration,
            summary=f"申请使用登记：{installation.machine.filing_number} 于 {installation.site_name}",
        )
        instance = _start(
            USE_REGISTRATION_PROCESS,
            subject=registration,
            acting_user=acting_user,
            business_key=registration.business_key,
            district_code=installation.site_district_id,
            variables={
                "registration_id": registration.pk,
                "supervisor_username": installation.supervising_engineer.username,
                "machine_label": f"{installation.machine.get_machine_type_display()} {installation.machine.filing_number}",
                "site_name": installation.site_name,
            },
        )
        UseRegistration.objects.filter(pk=registration.pk).update(process_instance_id=instance.pk)
        registration.process_instance_id = instance.pk
    return registration


# ---------------------------------------------------------------- review (审核)


def _locked(registration: UseRegistration) -> UseRegistration:
    return UseRegistration.objects.select_for_update().select_related("installation", "machine").get(
        pk=registration.pk
    )


def record_engineer_review(
    *, registration: UseRegistration, acting_user: Any, approved: bool, opinion: str
) -> UseRegistration:
    """监理工程师审核."""
    with transaction.atomic():
        registration = _locked(registration)
        _opinion(registration, step="engineer", acting_user=acting_user, approved=approved, opinion=opinion)
        checks.transit(registration, "engineer_review" if approved else "refuse", "该使用登记不在待监理审核状态。")
        registration.save(update_fields=["opinions", "state"])
        audit.record(
            action="machinery.use_registration_engineer_review",
            actor=acting_user,
            subject=registration,
            summary=f"监理{'审核通过' if approved else '退回'}使用登记：{opinion}",
        )
    return registration


def request_national_code(*, registration: UseRegistration, acting_user: Any, opinion: str) -> UseRegistration:
    """The officer's review passed: ask the national platform to verify the machine and assign its code. The
    request goes through the outbox, so an outage only delays it (the process waits for the answer)."""
    with transaction.atomic():
        registration = _locked(registration)
        _opinion(registration, step="officer", acting_user=acting_user, approved=True, opinion=opinion)
        checks.transit(registration, "request_code", "该使用登记不在待主管部门审核状态。")
        registration.save(update_fields=["opinions", "state"])
        outbox.enqueue(
            channel=NATIONAL_CODE_CHANNEL,
            payload={"registration_id": registration.pk},
            idempotency_key=f"national-code-{registration.pk}",
            subject=registration,
        )
        audit.record(
            action="machinery.national_code_requested",
            actor=acting_user,
            subject=registration,
            summary="主管部门审核通过，提交全国工程质量安全监管平台核验赋码",
        )
    return registration


def record_national_code(*, registration: UseRegistration, code: str) -> UseRegistration:
    """The national platform verified the machine and assigned ``code`` (called by the outbox sender)."""
    with transaction.atomic():
        registration = _locked(registration)
        if registration.state != RegistrationState.AWAITING_CODE:
            return registration  # a repeated delivery: already recorded
        registration.national_code = code
        checks.transit(registration, "receive_code", "该使用登记不在待赋码状态。")
        registration.save(update_fields=["national_code", "state"])
        audit.record(
            action="machinery.national_code_assigned",
            subject=registration,
            summary=f"全国工程质量安全监管平台核验通过，设备识别码 {code}",
        )
    return registration


def refuse_registration(*, registration: UseRegistration, acting_user: Any, step: str, opinion: str) -> UseRegistration:
    """不予登记 (by the officer or the approver)."""
    with transaction.atomic():
        registration = _locked(registration)
        if registration.state == RegistrationState.REFUSED:
            return registration
        _opinion(registration, step=step, acting_user=acting_user, approved=False, opinion=opinion)
        checks.transit(registration, "refuse", "该使用登记已办结，不能退回。")
        registration.save(update_fields=["opinions", "state"])
        audit.record(
            action="machinery.use_registration_refused",
            actor=acting_user,
            subject=registration,
            summary=f"不予使用登记：{opinion}",
        )
    return registration


def _issuing_authority(registration: UseRegistration, acting_user: Any) -> Organisation:
    org = getattr(acting_user, "organisation", None)
    if org is not None and org.is_regulator:
        return org
    found = Organisation.objects.filter(
        kind=OrganisationKind.REGULATOR, district_id=registration.installation.site_district_id
    ).first()
    if found is None:
        raise ProcedureError("找不到工程所在区的登记机关。")
    return found


def _registration_number(registration: UseRegistration) -> str:
    year = timezone.localdate().year
    return f"沪登{registration.installation.site_district_id[-3:]}-{year}-{registration.pk:06d}"


def approve_registration(*, registration: UseRegistration, acting_user: Any, opinion: str) -> UseRegistration:
    """准予使用登记: the machine is registered in use and the electronic certificate (使用登记证明) is issued and
    sealed by the registering authority, verifiable by its QR code."""
    from documents.services import issue_document, seal_document

    with transaction.atomic():
        registration = _locked(registration)
        _opinion(registration, step="approver", acting_user=acting_user, approved=True, opinion=opinion)
        checks.transit(registration, "approve", "该使用登记尚未赋码或已办结。")
        machine = Machine.objects.select_for_update().get(pk=registration.machine_id)
        checks.transit(machine, "register_use", "设备未安装或缺少检验报告、验收记录，不能办理使用登记。")
        machine.save(update_fields=["state"])
        registration.registration_number = _registration_number(registration)
        registration.approved_at = timezone.now()
        authority = _issuing_authority(registration, acting_user)
        registration.certificate = seal_document(
            issue_document(
                kind="certificate",
                title="建筑起重机械使用登记证明",
                context=_certificate_context(registration, machine),
                subject=registration,
                issuer=authority,
                acting_user=acting_user,
            ),
            organisation=authority,
            acting_user=acting_user,
        )
        registration.save(
            update_fields=["opinions", "state", "registration_number", "approved_at", "certificate"]
        )
        audit.record(
            action="machinery.use_registration_approved",
            actor=acting_user,
            subject=registration,
            summary=f"准予使用登记，登记编号 {registration.registration_number}",
        )
    return registration


def _certificate_context(registration: UseRegistration, machine: Machine) -> dict[str, Any]:
    inst = registration.installation
    return {
        "holder": registration.applicant.name,
        "recipient": registration.applicant.name,
        "valid_until": registration.inspection_valid_until.isoformat(),
        "paragraphs": ["经审核，下列建筑起重机械符合使用登记条件，准予使用登记。本证明应置于或者附着于该设备的显著位置。"],
        "fields": [
            ["登记编号", registration.registration_number],
            ["设备类型", machine.get_machine_type_display()],
            ["规格型号", machine.model_name],
            ["产权备案编号", machine.filing_number],
            ["全国平台设备识别码", registration.national_code],
            ["制造单位", machine.manufacturer],
            ["出厂编号", machine.factory_serial_no],
            ["产权单位", machine.owner.name],
            ["使用单位", registration.applicant.name],
            ["工程名称", inst.site_name],
            ["工程地址", inst.site_address],
            ["施工许可证编号", inst.permit.permit_number if inst.permit else "—"],
            ["检验机构", registration.inspection_body],
            ["检验报告编号", registration.inspection_report_no],
            ["检验有效期至", registration.inspection_valid_until.isoformat()],
        ],
        "closing": "特此证明。",
    }


def inspection_reminder_date(registration: UseRegistration) -> date:
    """When to remind the user that the periodic inspection expires (检验到期提醒)."""
    return registration.inspection_valid_until - timedelta(days=REMIND_DAYS_BEFORE_EXPIRY)


def remind_inspection(*, registration: UseRegistration) -> bool:
    """Inspection-expiry reminder (timer). Returns False when the registration is no longer in use."""
    registration = UseRegistration.objects.get(pk=registration.pk)
    if registration.state != RegistrationState.APPROVED:
        return False
    with transaction.atomic():
        audit.record(
            action="machinery.inspection_due",
            subject=registration,
            summary=f"检验将于 {registration.inspection_valid_until} 到期，请使用单位及时组织定期检验",
        )
        events.publish(
            "machinery.inspection_due",
            {"registration_id": registration.pk, "registration_number": registration.registration_number,
             "applicant_id": registration.applicant_id, "valid_until": registration.inspection_valid_until},
            subject=registration,
            key=f"machinery.inspection_due:{registration.pk}:{registration.inspection_valid_until}",
        )
    return True


# ---------------------------------------------------------------- dismantling notice (拆卸告知, M33)


def notify_dismantling(
    *,
    acting_user: User,
    machine: Machine,
    dismantler: dict[str, Any],
    crew: list[dict[str, Any]],
    checklist: dict[str, bool],
    planned_date: date,
    today: date | None = None,
) -> Dismantling:
    """Dismantling notice: a qualified firm and certified crew, every checklist requirement confirmed; filed by
    process ``machinery_dismantling``, which closes the use registration."""
    today = today or timezone.localdate()
    machine = Machine.objects.get(pk=machine.pk)
    org = getattr(acting_user, "organisation", None)
    installation = machine.current_installation()
    if installation is None or machine.state not in (MachineState.INSTALLED, MachineState.REGISTERED_IN_USE):
        raise TransitionNotAllowed("设备未处于安装或使用状态，无需拆卸告知。")
    if org is None or org.pk not in (machine.owner_id, installation.main_contractor_id):
        raise PermissionDeniedError("拆卸告知应由产权单位或使用单位提交。")
    unconfirmed = [label for key, label in DISMANTLING_CHECKLIST.items() if checklist.get(key) is not True]
    if unconfirmed:
        raise ValidationError({"checklist": f"以下拆卸作业要求尚未确认：{'；'.join(unconfirmed)}。"})
    if planned_date < today:
        raise ValidationError({"planned_date": "计划拆卸日期不能早于今天。"})
    checks.check_firm(
        prefix="dismantler",
        name=str(dismantler.get("name", "")),
        qualification_no=str(dismantler.get("qualification_no", "")),
        safety_licence_no=str(dismantler.get("safety_licence_no", "")),
    )
    clean_crew = checks.check_crew(crew, needed_until=planned_date)
    with transaction.atomic():
        if Dismantling.objects.filter(installation=installation, state="submitted").exists():
            raise TransitionNotAllowed("该设备已提交拆卸告知，正在办理中。")
        registration = installation.registrations.filter(state=RegistrationState.APPROVED).first()
        dismantling = Dismantling.objects.create(
            machine=machine,
            installation=installation,
            registration=registration,
            dismantler_name=str(dismantler["name"]).strip(),
            dismantler_qualification_no=str(dismantler["qualification_no"]).strip(),
            dismantler_safety_licence_no=str(dismantler["safety_licence_no"]).strip(),
            crew=clean_crew,
            checklist=dict.fromkeys(DISMANTLING_CHECKLIST, True),
            planned_date=planned_date,
            submitted_by=acting_user,
        )
        audit.record(
            action="machinery.dismantling_notified",
            actor=acting_user,
            subject=dismantling,
            summary=f"拆卸告知：{machine.filing_number}，计划 {planned_date} 拆卸",
        )
        _start(
            DISMANTLING_PROCESS,
            subject=dismantling,
            acting_user=acting_user,
            business_key=f"machinery-dismantling-{dismantling.pk}",
            district_code=installation.site_district_id,
            variables={"dismantling_id": dismantling.pk, "machine_label": str(machine.filing_number)},
        )
    return dismantling


def file_dismantling(*, dismantling: Dismantling, acting_user: Any) -> Dismantling:
    """拆卸告知备案: the machine is dismantled, the installation ends and the use registration is closed."""
    with transaction.atomic():
        dismantling = Dismantling.objects.select_for_update().get(pk=dismantling.pk)
        checks.transit(dismantling, "file", "该拆卸告知已办结。")
        dismantling.save(update_fields=["state"])
        machine = Machine.objects.select_for_update().get(pk=dismantling.machine_id)
        checks.transit(machine, "dismantle", "设备不在安装或使用状态。")
        machine.save(update_fields=["state"])
        installation = Installation.objects.select_for_update().get(pk=dismantling.installation_id)
        checks.transit(installation, "remove", "安装记录不在已安装状态。")
        installation.save(update_fields=["state"])
        closed = []
        for registration in installation.registrations.select_for_update().filter(state=RegistrationState.APPROVED):
            registration.close()
            registration.save(update_fields=["state"])
            closed.append(registration.registration_number)
        audit.record(
            action="machinery.dismantling_filed",
            actor=acting_user,
            subject=dismantling,
            summary=f"拆卸告知已备案；注销使用登记 {'、'.join(filter(None, closed)) or '（无）'}",
        )
    return dismantling


def confirm_use(
    *, registration: UseRegistration, acting_user: User, in_order: bool, note: str = ""
) -> Any:
    """The site's supervising engineer confirms a registered machine on site (监理日常检查确认); a finding that is
    not in order needs a note and is published for the district's officers."""
    from .models import UseConfirmation

    registration = UseRegistration.objects.select_related("installation").get(pk=registration.pk)
    if registration.installation.supervising_engineer_id != getattr(acting_user, "pk", None):
        raise PermissionDeniedError("只有本工程的监理工程师可以确认。")
    if registration.state != RegistrationState.APPROVED:
        raise TransitionNotAllowed("该设备未处于使用登记状态。")
    if not in_order and not note.strip():
        raise ValidationError({"note": "检查发现问题时请填写检查记录。"})
    with transaction.atomic():
        confirmation = UseConfirmation.objects.create(
            registration=registration, confirmed_by=acting_user, confirmed_on=timezone.localdate(),
            in_order=in_order, note=note.strip()[:300],
        )
        audit.record(
            action="machinery.use_confirmed",
            actor=acting_user,
            subject=registration,
            summary=f"监理检查确认：{'正常' if in_order else '发现问题'}{('，' + note.strip()) if note.strip() else ''}",
        )
        if not in_order:
            events.publish(
                "machinery.use_issue",
                {"registration_id": registration.pk, "note": note.strip(),
                 "district_code": registration.installation.site_district_id},
                subject=registration,
            )
    return confirmation
