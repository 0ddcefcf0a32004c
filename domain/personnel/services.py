"""Writes for safety-management staff (安管人员): applications, issuance, extension, employer changes,
transfers, cancellation and identity corrections. Each is one transaction with its audit record; the caller
checks permission."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from domain.errors import PermissionDeniedError, ProcedureError
from domain.organisations.models import Organisation, OrganisationKind
from domain.organisations.roles import Role
from security import audit
from security.fields import mask, plain

from . import guards
from .events import record_event
from .models import ACTIVE_STATES, Employment, Person, PublicNotice, SafetyCertificate
from .models.certificates import VALIDITY_YEARS, add_years
from .numbering import allocate_number


def _today() -> date:
    return timezone.localdate()


def ensure_person(*, name: str, id_number: str, phone: str = "", user: Any = None) -> Person:
    """Find a person by ID number (blind index) or register them (人员信息登记)."""
    id_number = id_number.strip().upper()
    if len(id_number) != 18:
        raise ProcedureError("身份证号码应为18位，请核对后重新填写。")
    with transaction.atomic():
        person = Person.objects.filter(id_number=id_number).first()
        if person is None:
            person = Person.objects.create(name=name.strip(), id_number=id_number, phone=phone, user=user)
            audit.record(action="personnel.person_registered", actor=user, subject=person, summary=f"登记人员 {name}")
        elif user is not None and person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
            audit.record(action="personnel.account_linked", actor=user, subject=person,
                         summary=f"人员 {person.name} 关联平台账号 {user.username}")
    return person


def employ(*, person: Person, enterprise: Organisation, started_on: date | None = None, acting_user: Any = None) -> Employment:
    """Register the person's employment (聘用) with ``enterprise``; an open employment elsewhere must end first."""
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise ProcedureError("聘用单位必须是企业。")
    with transaction.atomic():
        current = person.employments.select_for_update().filter(ended_on__isnull=True).first()
        if current is not None:
            if current.enterprise_id == enterprise.pk:
                return current
            raise ProcedureError(f"{person.name} 仍在 {current.enterprise.name} 任职，请先办理离职或变更单位。")
        employment = Employment.objects.create(person=person, enterprise=enterprise, started_on=started_on or _today())
        audit.record(action="personnel.employed", actor=acting_user, subject=person,
                     summary=f"{person.name} 入职 {enterprise.name}")
    return employment


def apply_for_certificate(
    *, person: Person, klass: str, employer: Organisation, job_title: str = "", acting_user: Any = None,
    origin_number: str = "",
) -> SafetyCertificate:
    """申请考核合格证书 (or, with ``origin_number``, 外省转入换证). Refuses a second certificate of the same
    category, a B without constructor registration, and an employer the person does not work for."""
    guards.check_employed_by(person, employer)
    guards.check_constructor_registration(person, klass)
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        guards.check_no_active_certificate(person, klass)
        with guards.refused_as_domain_error("重复申请"), transaction.atomic():
            cert = SafetyCertificate.objects.create(
                person=person, klass=klass, employer=employer, employer_name=employer.name, job_title=job_title,
                origin_number=origin_number.strip(), district=employer.district,
            )
        kind = "transfer_in_applied" if origin_number else "applied"
        record_event(cert, kind=kind, summary=f"{person.name} 申请{cert.get_klass_display()}证书", actor=acting_user,
                     data={"klass": klass, "employer": employer.name, "origin_number": origin_number})
    return cert


def _locked(certificate: SafetyCertificate | int) -> SafetyCertificate:
    pk = certificate if isinstance(certificate, int) else certificate.pk
    return SafetyCertificate.objects.select_for_update().select_related("person", "employer").get(pk=pk)


def record_step(*, certificate: SafetyCertificate | int, kind: str, summary: str, acting_user: Any = None,
                data: dict[str, Any] | None = None, instance_id: int | None = None, automatic: bool = False) -> None:
    """Record a procedural step (单位确认、受理、初审、复核、审批) in the certificate history."""
    with transaction.atomic():
        cert = _locked(certificate)
        record_event(cert, kind=kind, summary=summary, actor=acting_user, data=data, instance_id=instance_id,
                     automatic=automatic)


def reject_application(*, certificate: SafetyCertificate | int, reason: str, acting_user: Any = None,
                       instance_id: int | None = None) -> SafetyCertificate:
    with transaction.atomic():
        cert = _locked(certificate)
        with guards.refused_as_domain_error("不予许可"):
            cert.reject()
        cert.save(update_fields=["state", "updated_at"])
        record_event(cert, kind="rejected", summary=f"不予许可：{reason}", actor=acting_user, instance_id=instance_id)
    return cert


def publish_review_notice(*, certificate: SafetyCertificate | int, opinion: str, period_days: int,
                          instance_id: int | None = None) -> PublicNotice:
    """审查意见公示 for ``period_days`` days (the period is data: the process variable ``notice_days``)."""
    if period_days < 1:
        raise ProcedureError("公示期至少为1日。")
    with transaction.atomic():
        cert = _locked(certificate)
        start = _today()
        notice = PublicNotice.objects.create(
            kind=PublicNotice.Kind.REVIEW_OPINION, certificate=cert,
            title=f"安管人员考核审查意见公示（{cert.person.name}，{cert.klass}类）",
            body=f"{cert.person.name}（{cert.employer_name}）申请{cert.get_klass_display()}证书，初审意见：{opinion}。"
                 f"公示期{period_days}日，如有异议请于公示期内向受理机关反映。",
            starts_on=start, ends_on=start + timedelta(days=period_days), period_days=period_days,
        )
        record_event(cert, kind="review_notice", summary=f"审查意见公示至 {notice.ends_on}", instance_id=instance_id,
                     data={"notice_id": notice.pk, "ends_on": notice.ends_on.isoformat()})
    return notice


def issue_certificate(*, certificate: SafetyCertificate | int, acting_user: Any = None, instance_id: int | None = None,
                      issued_on: date | None = None) -> SafetyCertificate:
    """制证: allocate the number, set 3 years' validity, make the sealed electronic certificate."""
    from .certificate_pdf import make_certificate_document

    with transaction.atomic():
        cert = _locked(certificate)
        if cert.number is None:
            issued_on = issued_on or _today()
            cert.number = allocate_number(cert.klass, issued_on.year)
            cert.issued_on = issued_on
            cert.valid_to = add_years(issued_on, VALIDITY_YEARS) - timedelta(days=1)
        with guards.refused_as_domain_error("制证（须有证书编号、B类须注册建造师、证书须随聘用单位）"):
            cert.issue()
        document = make_certificate_document(cert, acting_user=acting_user)
        cert.document = document
        cert.save(update_fields=["number", "issued_on", "valid_to", "state", "document", "updated_at"])
        record_event(cert, kind="issued", summary=f"制发证书 {cert.number}，有效期至 {cert.valid_to}",
                     actor=acting_user, document=document, instance_id=instance_id)
    return cert


def announce_result(*, certificate: SafetyCertificate | int, instance_id: int | None = None) -> PublicNotice:
    """结果公告: the certificate takes effect."""
    with transaction.atomic():
        cert = _locked(certificate)
        with guards.refused_as_domain_error("结果公告"):
            cert.announce()
        cert.save(update_fields=["state", "updated_at"])
        notice = PublicNotice.objects.create(
            kind=PublicNotice.Kind.RESULT, certificate=cert, title=f"安管人员考核合格公告（{cert.number}）",
            body=f"{cert.person.name}（{cert.employer_name}）考核合格，证书编号 {cert.number}，有效期至 {cert.valid_to}。",
            starts_on=_today(), ends_on=_today(), period_days=0,
        )
        record_event(cert, kind="announced", summary=f"结果公告，证书 {cert.number} 生效", instance_id=instance_id)
    return notice


def extend_certificate(*, certificate: SafetyCertificate | int, automatic: bool, acting_user: Any = None,
                       basis: str = "", instance_id: int | None = None) -> SafetyCertificate:
    """延续: valid 3 more years from the current expiry."""
    with transaction.atomic():
        cert = _locked(certificate)
        old = cert.valid_to
        with guards.refused_as_domain_error("延续（须在有效期届满前3个月内，且证书随现聘用单位）"):
            cert.extend()
        assert old is not None
        cert.valid_to = add_years(old, VALIDITY_YEARS)
        cert.save(update_fields=["state", "valid_to", "updated_at"])
        record_event(cert, kind="extended", summary=f"证书延续至 {cert.valid_to}" + (f"（{basis}）" if basis else ""),
                     actor=acting_user, automatic=automatic, instance_id=instance_id,
                     data={"old_valid_to": old.isoformat(), "new_valid_to": cert.valid_to.isoformat()})
    return cert


def change_employer(*, person: Person | int, new_employer: Organisation, acting_user: Any = None,
                    automatic: bool = False, instance_id: int | None = None) -> list[SafetyCertificate]:
    """变更聘用单位 (within Shanghai): ends the old employment, opens the new one, and every certificate in force
    follows the person to the new employer."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person if isinstance(person, int) else person.pk)
        old = person.employments.filter(ended_on__isnull=True).select_related("enterprise").first()
        if old is not None and old.enterprise_id == new_employer.pk:
            raise ProcedureError(f"{person.name} 已在 {new_employer.name} 任职，无需变更。")
        if old is not None:
            old.ended_on = _today()
            old.end_reason = f"变更至 {new_employer.name}"
            old.save(update_fields=["ended_on", "end_reason"])
        Employment.objects.create(person=person, enterprise=new_employer, started_on=_today())
        changed = []
        for cert in SafetyCertificate.objects.select_for_update().filter(person=person, state__in=ACTIVE_STATES):
            before = cert.employer_name
            cert.employer, cert.employer_name, cert.district = new_employer, new_employer.name, new_employer.district
            cert.save(update_fields=["employer", "employer_name", "district", "updated_at"])
            record_event(cert, kind="employer_changed", summary=f"聘用单位由 {before} 变更为 {new_employer.name}",
                         actor=acting_user, automatic=automatic, instance_id=instance_id,
                         data={"from": before, "to": new_employer.name})
            changed.append(cert)
    return changed


def transfer_out(*, certificate: SafetyCertificate | int, automatic: bool, acting_user: Any = None, reason: str = "",
                 forced: bool = False, attachment_id: int | None = None, instance_id: int | None = None) -> SafetyCertificate:
    """调出本市 (leaving Shanghai): the certificate is transferred out; forced leaving (强制调出) records the
    officer's decision and the uploaded evidence."""
    with transaction.atomic():
        cert = _locked(certificate)
        with guards.refused_as_domain_error("调出"):
            cert.transfer_out()
        cert.save(update_fields=["state", "updated_at"])
        cert.person.employments.filter(ended_on__isnull=True).update(ended_on=_today(), end_reason=f"调出本市：{reason}"[:200])
        record_event(cert, kind="transferred_out", summary=("强制调出" if forced else "调出本市") + (f"：{reason}" if reason else ""),
                     actor=acting_user, automatic=automatic, instance_id=instance_id,
                     data={"forced": forced, "attachment_id": attachment_id})
    return cert


def cancel_certificate(*, certificate: SafetyCertificate | int, reason: str, automatic: bool, acting_user: Any = None,
                       instance_id: int | None = None) -> SafetyCertificate:
    """注销 (行政许可法第70条)."""
    with transaction.atomic():
        cert = _locked(certificate)
        with guards.refused_as_domain_error("注销"):
            cert.cancel()
        cert.save(update_fields=["state", "updated_at"])
        record_event(cert, kind="cancelled", summary=f"证书注销：{reason}", actor=acting_user, automatic=automatic,
                     instance_id=instance_id)
    return cert


def correct_identity(*, person: Person, acting_user: Any, reason: str, name: str | None = None,
                     id_number: str | None = None) -> Person:
    """身份信息更正 by a regulator officer; the audit row keeps the masked before/after."""
    if acting_user is None or not acting_user.has_role(Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER, Role.SYSADMIN):
        raise PermissionDeniedError("只有主管部门经办人员可以更正身份信息。")
    if not reason.strip():
        raise ProcedureError("请填写更正原因。")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = {"name": person.name, "id_number": mask(plain(person.id_number))}
        fields = []
        if name and name.strip() != person.name:
            person.name = name.strip()
            fields.append("name")
        if id_number and id_number.strip().upper() != person.id_number:
            if len(id_number.strip()) != 18:
                raise ProcedureError("身份证号码应为18位，请核对后重新填写。")
            if Person.objects.filter(id_number=id_number.strip().upper()).exclude(pk=person.pk).exists():
                raise ProcedureError("该身份证号码已登记在其他人员名下，请核对。")
            person.id_number = id_number.strip().upper()
            fields += ["id_number", "id_number_bidx"]
        if not fields:
            raise ProcedureError("没有需要更正的信息。")
        person.save(update_fields=fields)
        audit.record(action="personnel.identity_corrected", actor=acting_user, subject=person,
                     summary=f"更正身份信息：{reason}", before=before,
                     after={"name": person.name, "id_number": mask(plain(person.id_number))})
    return person

