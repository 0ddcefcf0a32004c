"""Service tasks of the machinery procedures (``processes/models/machinery_*``). Each hands straight to a service
in :mod:`.services` / :mod:`.registration`, whose django-fsm transitions refuse any illegal step whatever the
model says."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from processes.engine.registry import ServiceContext, service

from . import registration as reg
from . import rules, services
from .models import Dismantling, Installation, PropertyFiling, UseRegistration


def _get(model: Any, ctx: ServiceContext, variable: str) -> Any:
    return model.objects.get(pk=int(ctx.params.get(variable) or ctx.variables[variable]))


def _opinion(ctx: ServiceContext) -> str:
    return str(ctx.variables.get("officer_opinion") or "")


# ---------------------------------------------------------------- property filing (M28)


@service("machinery.filing_facts")
def filing_facts(ctx: ServiceContext) -> dict[str, Any]:
    """The facts the business-rule task ``machinery_filing_disqualifiers`` reads."""
    filing = _get(PropertyFiling, ctx, "filing_id")
    machine = filing.machine
    return rules.filing_facts(
        model_name=machine.model_name,
        machine_type=machine.machine_type,
        rated_capacity=machine.rated_capacity,
        factory_date=machine.factory_date,
        safety_devices_ok=machine.safety_devices_ok,
        documents=filing.documents,
        today=timezone.localdate(),
    )


@service("machinery.refuse_filing")
def refuse_filing(ctx: ServiceContext) -> dict[str, Any]:
    filing = _get(PropertyFiling, ctx, "filing_id")
    found = [{"code": str(d.get("code")), "reason": str(d.get("reason"))} for d in ctx.variables.get("disqualifiers") or []]
    opinion = _opinion(ctx) or "；".join(d["reason"] for d in found)
    services.refuse_filing(filing=filing, acting_user=ctx.acting_user, opinion=opinion, disqualifiers=found)
    return {"filing_state": "refused"}


@service("machinery.grant_filing")
def grant_filing(ctx: ServiceContext) -> dict[str, Any]:
    filing = services.grant_filing(
        filing=_get(PropertyFiling, ctx, "filing_id"), acting_user=ctx.acting_user, opinion=_opinion(ctx)
    )
    return {"filing_state": "approved", "filing_number": filing.machine.filing_number}


# ---------------------------------------------------------------- installation notice


@service("machinery.installation_review")
def installation_review(ctx: ServiceContext) -> dict[str, Any]:
    step = str(ctx.params["step"])
    approved = ctx.variables.get(f"{step}_decision") == "approve"
    installation = services.record_installation_opinion(
        installation=_get(Installation, ctx, "installation_id"),
        acting_user=ctx.acting_user,
        step=step,
        approved=approved,
        opinion=str(ctx.variables.get(f"{step}_opinion") or ""),
    )
    return {"installation_state": installation.state}


# ---------------------------------------------------------------- use registration (M29-M32)


@service("machinery.registration_engineer_review")
def registration_engineer_review(ctx: ServiceContext) -> dict[str, Any]:
    registration = reg.record_engineer_review(
        registration=_get(UseRegistration, ctx, "registration_id"),
        acting_user=ctx.acting_user,
        approved=ctx.variables.get("engineer_decision") == "approve",
        opinion=str(ctx.variables.get("engineer_opinion") or ""),
    )
    return {"registration_state": registration.state}


@service("machinery.request_national_code")
def request_national_code(ctx: ServiceContext) -> dict[str, Any]:
    registration = reg.request_national_code(
        registration=_get(UseRegistration, ctx, "registration_id"),
        acting_user=ctx.acting_user,
        opinion=str(ctx.variables.get("officer_opinion") or ""),
    )
    return {"registration_state": registration.state}


@service("machinery.refuse_registration")
def refuse_registration(ctx: ServiceContext) -> dict[str, Any]:
    step = str(ctx.params.get("step") or "officer")
    registration = reg.refuse_registration(
        registration=_get(UseRegistration, ctx, "registration_id"),
        acting_user=ctx.acting_user,
        step=step,
        opinion=str(ctx.variables.get(f"{step}_opinion") or ""),
    )
    return {"registration_state": registration.state}


@service("machinery.approve_registration")
def approve_registration(ctx: ServiceContext) -> dict[str, Any]:
    registration = reg.approve_registration(
        registration=_get(UseRegistration, ctx, "registration_id"),
        acting_user=ctx.acting_user,
        opinion=str(ctx.variables.get("approver_opinion") or ""),
    )
    return {
        "registration_state": registration.state,
        "registration_number": registration.registration_number,
        "certificate_id": registration.certificate_id,
        "reminder_date": reg.inspection_reminder_date(registration).isoformat(),
    }


@service("machinery.remind_inspection")
def remind_inspection(ctx: ServiceContext) -> dict[str, Any]:
    return {"reminded": reg.remind_inspection(registration=_get(UseRegistration, ctx, "registration_id"))}


# ---------------------------------------------------------------- dismantling notice (M33)


@service("machinery.file_dismantling")
def file_dismantling(ctx: ServiceContext) -> dict[str, Any]:
    dismantling = reg.file_dismantling(
        dismantling=_get(Dismantling, ctx, "dismantling_id"), acting_user=ctx.acting_user
    )
    return {"dismantling_state": dismantling.state}
