"""Starting the safety-staff procedures (M70-M74): each validates up front, creates what the procedure is about
and starts its BPMN process through the engine's front door."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from domain.errors import ProcedureError
from domain.organisations.models import Organisation

from . import services
from .models import IN_FORCE_STATES, Person, SafetyCertificate
from .numbering import NUMBER_RE

CERTIFICATION = "safety_staff_certification"
EXTENSION = "safety_staff_extension"
EMPLOYER_CHANGE = "safety_staff_employer_change"
TRANSFER = "safety_staff_transfer"
CANCELLATION = "safety_staff_cancellation"
ALL_KEYS = (CERTIFICATION, EXTENSION, EMPLOYER_CHANGE, TRANSFER, CANCELLATION)

#: 审查意见公示期（日）— data: the ``PERSONNEL_NOTICE_DAYS`` setting, overridable per start.
DEFAULT_NOTICE_DAYS = 5


def configured_notice_days() -> int:
    return int(getattr(settings, "PERSONNEL_NOTICE_DAYS", DEFAULT_NOTICE_DAYS))


def _start(key: str, *, subject: Any, variables: dict[str, Any], acting_user: Any, initiator_org: Any,
           business_key: str, district_code: str | None) -> Any:
    from processes import engine

    return engine.start(key, subject=subject, variables=variables, acting_user=acting_user,
                        initiator_org=initiator_org, business_key=business_key, district_code=district_code)


def _base(cert: SafetyCertificate) -> dict[str, Any]:
    return {"certificate_id": cert.pk, "person_id": cert.person_id, "person_name": cert.person.name,
            "klass": cert.klass, "certificate_number": cert.number or "", "employer_id": cert.employer_id}


def start_certification(*, person: Person, klass: str, employer: Organisation, acting_user: Any,
                        job_title: str = "", notice_days: int | None = None) -> Any:
    """M70: the person applies; the employing enterprise confirms next (its operators get the task)."""
    with transaction.atomic():
        cert = services.apply_for_certificate(person=person, klass=klass, employer=employer, job_title=job_title,
                                              acting_user=acting_user)
        return _start(CERTIFICATION, subject=cert, variables={**_base(cert), "notice_days": notice_days or configured_notice_days()},
                      acting_user=acting_user, initiator_org=employer, business_key=f"M70-{cert.pk}",
                      district_code=employer.district_id)


def _in_force(cert: SafetyCertificate, what: str) -> None:
    if cert.state not in IN_FORCE_STATES:
        raise ProcedureError(f"证书 {cert.number or ''} 当前为“{cert.get_state_display()}”，不能申请{what}。")


def _open_instance(cert: SafetyCertificate, keys: tuple[str, ...]) -> None:
    from processes.models import InstanceStatus, ProcessInstance

    busy = ProcessInstance.objects.filter(
        process_key__in=keys, subject_id=str(cert.pk),
        status__in=[InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR, InstanceStatus.SUSPENDED],
    )
    if busy.exists():
        raise ProcedureError("该证书已有正在办理的申请，请办结后再申请。")


def start_extension(*, certificate: SafetyCertificate, acting_user: Any) -> Any:
    """M71: within the 3 months before expiry; the table decides automatically where the data allows."""
    _in_force(certificate, "延续")
    if not certificate.in_extension_window():
        raise ProcedureError(f"证书有效期至 {certificate.valid_to}，请在有效期届满前3个月内（{certificate.extension_window_opens()} 起）申请延续。")
    _open_instance(certificate, (EXTENSION, CANCELLATION, TRANSFER))
    return _start(EXTENSION, subject=certificate, variables=_base(certificate), acting_user=acting_user,
                  initiator_org=certificate.employer, business_key=f"M71-{certificate.number}",
                  district_code=certificate.district_code)


def start_employer_change(*, person: Person, new_employer: Organisation, acting_user: Any) -> Any:
    """M72: change of employer within Shanghai; the new employer confirms, then the change is decided
    automatically and every certificate follows."""
    current = person.current_employment
    if current is not None and current.enterprise_id == new_employer.pk:
        raise ProcedureError(f"{person.name} 已在 {new_employer.name} 任职，无需变更。")
    certs = list(SafetyCertificate.objects.filter(person=person, state__in=IN_FORCE_STATES))
    if not certs:
        raise ProcedureError("没有有效期内的证书，无需办理变更。")
    for cert in certs:
        _open_instance(cert, (EMPLOYER_CHANGE, EXTENSION, CANCELLATION, TRANSFER))
    return _start(EMPLOYER_CHANGE, subject=certs[0],
                  variables={**_base(certs[0]), "new_employer_id": new_employer.pk, "new_employer_name": new_employer.name},
                  acting_user=acting_user, initiator_org=new_employer, business_key=f"M72-{person.pk}",
                  district_code=new_employer.district_id)


def start_transfer_in(*, person: Person, klass: str, employer: Organisation, origin_number: str, acting_user: Any) -> Any:
    """M73 调入: a certificate from another province is exchanged for a Shanghai one."""
    match = NUMBER_RE.match(origin_number.strip())
    if not match:
        raise ProcedureError("原证书编号格式不正确，应形如 苏建安C1(2024)0000123。")
    if match["prov"] == "沪":
        raise ProcedureError("本市证书无需办理调入换证。")
    if match["klass"] != klass:
        raise ProcedureError("原证书类别与申请类别不一致。")
    with transaction.atomic():
        cert = services.apply_for_certificate(person=person, klass=klass, employer=employer, acting_user=acting_user,
                                              origin_number=origin_number)
        return _start(TRANSFER, subject=cert,
                      variables={**_base(cert), "direction": "in", "forced": False, "origin_number": cert.origin_number},
                      acting_user=acting_user, initiator_org=employer, business_key=f"M73-{cert.pk}",
                      district_code=employer.district_id)


def start_transfer_out(*, certificate: SafetyCertificate, acting_user: Any, reason: str, forced: bool = False) -> Any:
    """M73 调出: decided automatically; forced leaving (reported by the employer) goes through an officer's
    acceptance and decision with an upload."""
    _in_force(certificate, "调出")
    _open_instance(certificate, (EXTENSION, CANCELLATION, TRANSFER, EMPLOYER_CHANGE))
    if not reason.strip():
        raise ProcedureError("请填写调出原因。")
    return _start(TRANSFER, subject=certificate,
                  variables={**_base(certificate), "direction": "out", "forced": bool(forced), "reason": reason.strip()},
                  acting_user=acting_user, initiator_org=certificate.employer, business_key=f"M73-{certificate.number}",
                  district_code=certificate.district_code)


CANCELLATION_REASONS = {
    "own_request": "本人申请注销",
    "left_industry": "离开建筑施工企业",
    "death": "持证人死亡或丧失行为能力",
    "other": "其他情形",
}


def start_cancellation(*, certificate: SafetyCertificate, reason_code: str, acting_user: Any, reason: str = "") -> Any:
    """M74: the employer gives its opinion and signs; the table decides automatically where the rules allow."""
    if reason_code not in CANCELLATION_REASONS:
        raise ProcedureError("请选择注销事由。")
    if certificate.state not in [*IN_FORCE_STATES, "issued"]:
        raise ProcedureError(f"证书当前为“{certificate.get_state_display()}”，不能申请注销。")
    _open_instance(certificate, (EXTENSION, CANCELLATION, TRANSFER))
    text = reason.strip() or CANCELLATION_REASONS[reason_code]
    return _start(CANCELLATION, subject=certificate,
                  variables={**_base(certificate), "reason_code": reason_code, "reason": text},
                  acting_user=acting_user, initiator_org=certificate.employer, business_key=f"M74-{certificate.number}",
                  district_code=certificate.district_code)

