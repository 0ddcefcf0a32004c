"""Service tasks of the safety-staff procedures (``processes/models/safety_staff_*``). Each hands straight to a
service in :mod:`domain.personnel.services`, whose FSM transitions make an illegal step impossible whatever the
model says."""

from __future__ import annotations

from typing import Any

from domain.organisations.models import Organisation
from processes.engine.registry import ServiceContext, service

from . import services
from .facts import extension_facts as _extension_facts
from .models import SafetyCertificate


def _cert_id(ctx: ServiceContext) -> int:
    return int(ctx.params.get("certificate_id") or ctx.variables["certificate_id"])


def _iid(ctx: ServiceContext) -> int:
    return int(ctx.instance.pk)


def _flag(ctx: ServiceContext, name: str) -> bool:
    return bool(ctx.params.get(name, False))


@service("personnel.record_step")
def record_step(ctx: ServiceContext) -> dict[str, Any]:
    """A procedural step in the certificate history: params ``kind``, ``summary`` (and ``automatic``)."""
    services.record_step(certificate=_cert_id(ctx), kind=str(ctx.params["kind"]), summary=str(ctx.params["summary"]),
                         acting_user=ctx.acting_user, instance_id=_iid(ctx), automatic=_flag(ctx, "automatic"))
    return {}


@service("personnel.reject")
def reject(ctx: ServiceContext) -> dict[str, Any]:
    cert = services.reject_application(certificate=_cert_id(ctx), reason=str(ctx.params.get("reason") or "不予许可"),
                                       acting_user=ctx.acting_user, instance_id=_iid(ctx))
    return {"certificate_state": cert.state}


@service("personnel.publish_review_notice")
def publish_review_notice(ctx: ServiceContext) -> dict[str, Any]:
    """审查意见公示; returns ``notice_ends_on`` (ISO date, the last day) for the timer that waits out the period."""
    days = int(ctx.params.get("notice_days") or ctx.variables.get("notice_days") or 5)
    notice = services.publish_review_notice(certificate=_cert_id(ctx), opinion=str(ctx.params.get("opinion") or ""),
                                            period_days=days, instance_id=_iid(ctx))
    return {"notice_id": notice.pk, "notice_ends_on": notice.ends_on.isoformat()}


@service("personnel.issue")
def issue(ctx: ServiceContext) -> dict[str, Any]:
    cert = services.issue_certificate(certificate=_cert_id(ctx), acting_user=ctx.acting_user, instance_id=_iid(ctx))
    return {"certificate_number": cert.number, "certificate_state": cert.state,
            "document_id": cert.document_id}


@service("personnel.announce")
def announce(ctx: ServiceContext) -> dict[str, Any]:
    services.announce_result(certificate=_cert_id(ctx), instance_id=_iid(ctx))
    return {"certificate_state": SafetyCertificate.objects.get(pk=_cert_id(ctx)).state}


@service("personnel.extension_facts")
def extension_facts(ctx: ServiceContext) -> dict[str, Any]:
    """The facts the extension table (``personnel_extension``) decides on."""
    return _extension_facts(SafetyCertificate.objects.select_related("person").get(pk=_cert_id(ctx)))


@service("personnel.extend")
def extend(ctx: ServiceContext) -> dict[str, Any]:
    cert = services.extend_certificate(certificate=_cert_id(ctx), automatic=_flag(ctx, "automatic"),
                                       acting_user=ctx.acting_user, basis=str(ctx.params.get("basis") or ""),
                                       instance_id=_iid(ctx))
    return {"certificate_state": cert.state, "valid_to": cert.valid_to.isoformat() if cert.valid_to else ""}


@service("personnel.change_employer")
def change_employer(ctx: ServiceContext) -> dict[str, Any]:
    employer = Organisation.objects.get(pk=int(ctx.params["new_employer_id"]))
    changed = services.change_employer(person=int(ctx.params["person_id"]), new_employer=employer,
                                       acting_user=ctx.acting_user, automatic=_flag(ctx, "automatic"),
                                       instance_id=_iid(ctx))
    return {"changed_certificates": [c.pk for c in changed]}


@service("personnel.transfer_out")
def transfer_out(ctx: ServiceContext) -> dict[str, Any]:
    attachment = ctx.params.get("attachment_id")
    cert = services.transfer_out(certificate=_cert_id(ctx), automatic=_flag(ctx, "automatic"),
                                 acting_user=ctx.acting_user, reason=str(ctx.params.get("reason") or ""),
                                 forced=_flag(ctx, "forced"), attachment_id=int(attachment) if attachment else None,
                                 instance_id=_iid(ctx))
    return {"certificate_state": cert.state}


@service("personnel.cancel")
def cancel(ctx: ServiceContext) -> dict[str, Any]:
    cert = services.cancel_certificate(certificate=_cert_id(ctx), reason=str(ctx.params.get("reason") or ""),
                                       automatic=_flag(ctx, "automatic"), acting_user=ctx.acting_user,
                                       instance_id=_iid(ctx))
    return {"certificate_state": cert.state}


@service("personnel.answer_help")
def answer_help(ctx: ServiceContext) -> dict[str, Any]:
    from .assistant.handoff import answer

    answer(help_id=int(ctx.params["help_id"]), text=str(ctx.params.get("answer") or ""), acting_user=ctx.acting_user)
    return {}
