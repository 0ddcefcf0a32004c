"""Service tasks of the contract procedures (``processes/models/contract_*``). Each hands straight to a service in
``services`` / ``payments`` / ``changes``, whose django-fsm transitions make an illegal step impossible whatever
the model says."""

from __future__ import annotations

import datetime as dt
from typing import Any

from processes.engine.registry import ServiceContext, service

from . import changes, payments, services
from .models import Contract, ContractChange, ContractState, Objection, PaymentApplication
from .models.events import OPEN_OBJECTION_STATES


def _contract(ctx: ServiceContext) -> Contract:
    return Contract.objects.select_related("project").get(pk=int(ctx.variables["contract_id"]))


def _party(ctx: ServiceContext) -> str:
    return str(ctx.params.get("party", ""))


@service("contracts.generate")
def generate(ctx: ServiceContext) -> dict[str, Any]:
    contract = services.contract_generate(contract=_contract(ctx), acting_user=ctx.acting_user)
    return {"state": contract.state, "document_id": contract.document_id}


@service("contracts.confirm")
def confirm(ctx: ServiceContext) -> dict[str, Any]:
    contract = services.contract_confirm(contract=_contract(ctx), acting_user=ctx.acting_user, party=_party(ctx))
    return {"state": contract.state}


@service("contracts.decide_notice")
def decide_notice(ctx: ServiceContext) -> dict[str, Any]:
    contract = services.contract_decide_notice(contract=_contract(ctx))
    return {"notice_required": contract.public_notice_required, "notice_working_days": contract.notice_working_days,
            "notice_reason": contract.notice_reason}


@service("contracts.publish_notice")
def publish_notice(ctx: ServiceContext) -> dict[str, Any]:
    contract = services.contract_publish_notice(contract=_contract(ctx), acting_user=ctx.acting_user)
    assert contract.notice_ends_on is not None
    return {"notice_ends_on": contract.notice_ends_on.isoformat()}


@service("contracts.skip_notice")
def skip_notice(ctx: ServiceContext) -> dict[str, Any]:
    return {"state": services.contract_skip_notice(contract=_contract(ctx)).state}


@service("contracts.notice_expired")
def notice_expired(ctx: ServiceContext) -> dict[str, Any]:
    contract = services.contract_notice_expired(contract=_contract(ctx))
    return {"notice_period_over": True,
            "open_objections": contract.objections.filter(state__in=OPEN_OBJECTION_STATES).count()}


@service("contracts.notice_outcome")
def notice_outcome(ctx: ServiceContext) -> dict[str, Any]:
    return {"returned_for_correction": _contract(ctx).state == ContractState.DRAFT}


@service("contracts.close_notice")
def close_notice(ctx: ServiceContext) -> dict[str, Any]:
    return {"state": services.contract_close_notice(contract=_contract(ctx)).state}


def _objection(ctx: ServiceContext) -> Objection:
    return Objection.objects.get(pk=int(ctx.variables["objection_id"]), contract_id=int(ctx.variables["contract_id"]))


@service("contracts.answer_objection")
def answer_objection(ctx: ServiceContext) -> dict[str, Any]:
    objection = services.objection_answer(objection=_objection(ctx), answer=str(ctx.variables.get("answer", "")),
                                          acting_user=ctx.acting_user)
    return {"objection_state": objection.state}


@service("contracts.decide_objection")
def decide_objection(ctx: ServiceContext) -> dict[str, Any]:
    objection = services.objection_decide(
        objection=_objection(ctx), stands=bool(ctx.variables.get("objection_stands")),
        reason=str(ctx.variables.get("decision_reason", "")), acting_user=ctx.acting_user)
    upheld = objection.state == "upheld"
    following = None if upheld else services.next_open_objection(objection.contract)
    contract = Contract.objects.get(pk=objection.contract_id)
    return {"objection_upheld": upheld, "more_objections": following is not None,
            "notice_period_over": contract.notice_period_over,
            "objection_id": following.pk if following else objection.pk}


@service("contracts.seal")
def seal(ctx: ServiceContext) -> dict[str, Any]:
    return {"state": services.contract_seal(contract=_contract(ctx), acting_user=ctx.acting_user,
                                            party=_party(ctx)).state}


@service("contracts.signed")
def signed(ctx: ServiceContext) -> dict[str, Any]:
    contract = _contract(ctx)
    return {"signed_on": contract.signed_on.isoformat() if contract.signed_on else "",
            "filing_due_on": contract.filing_due_on.isoformat() if contract.filing_due_on else ""}


@service("contracts.mark_filing_overdue")
def mark_filing_overdue(ctx: ServiceContext) -> dict[str, Any]:
    return {"filing_overdue": services.contract_mark_filing_overdue(contract=_contract(ctx)).filing_overdue}


@service("contracts.file_and_announce")
def file_and_announce(ctx: ServiceContext) -> dict[str, Any]:
    contract = services.contract_file_and_announce(contract=_contract(ctx), acting_user=ctx.acting_user)
    return {"state": contract.state}


# -- payments (M03) -----------------------------------------------------------------------------------------


def _payment(ctx: ServiceContext) -> PaymentApplication:
    return PaymentApplication.objects.get(pk=int(ctx.variables["payment_id"]))


@service("contracts.payment_certify")
def payment_certify(ctx: ServiceContext) -> dict[str, Any]:
    payment = payments.payment_certify(payment=_payment(ctx), amount=ctx.variables.get("certified_amount"),
                                       comment=str(ctx.variables.get("certificate_comment", "")),
                                       acting_user=ctx.acting_user)
    return {"payment_state": payment.state}


@service("contracts.payment_deem_approved")
def payment_deem_approved(ctx: ServiceContext) -> dict[str, Any]:
    return {"payment_state": payments.payment_deem_approved(payment=_payment(ctx)).state}


@service("contracts.payment_record")
def payment_record(ctx: ServiceContext) -> dict[str, Any]:
    paid_on = dt.date.fromisoformat(str(ctx.variables.get("paid_on")))
    payment = payments.payment_record(payment=_payment(ctx), amount=ctx.variables.get("paid_amount"),
                                      paid_on=paid_on, acting_user=ctx.acting_user)
    return {"payment_state": payment.state, "flags": [f["code"] for f in payment.flags]}


# -- changes (M02) ------------------------------------------------------------------------------------------


@service("contracts.change_review")
def change_review(ctx: ServiceContext) -> dict[str, Any]:
    change = changes.change_review(change=ContractChange.objects.get(pk=int(ctx.variables["change_id"])),
                                   accept=bool(ctx.variables.get("accept")),
                                   comment=str(ctx.variables.get("review_comment", "")), acting_user=ctx.acting_user)
    return {"change_state": change.state}
