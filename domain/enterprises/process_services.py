"""Service tasks of the enterprise procedures. Each calls the same domain service a page or test would, with the
user who completed the preceding task, so roles, scope and four-eyes are enforced whatever the model says."""

from __future__ import annotations

from typing import Any

from django.core.files import File

from processes.engine.registry import ServiceContext, service

from . import services
from .models import CheckCase, RevocationCase, SafetyLicence


def _case(ctx: ServiceContext) -> CheckCase:
    return CheckCase.objects.select_related("enterprise", "batch").get(pk=int(ctx.variables["case_id"]))


def _revocation(ctx: ServiceContext) -> RevocationCase:
    return RevocationCase.objects.select_related("enterprise").get(pk=int(ctx.variables["revocation_id"]))


def _attachments(ids: Any) -> list[File]:
    from tasks.models import Attachment

    files = []
    for att in Attachment.objects.filter(pk__in=[int(i) for i in ids or []]):
        files.append(File(att.file.open("rb"), name=att.original_name))
    return files


@service("enterprises.record_rectification")
def record_rectification(ctx: ServiceContext) -> dict[str, Any]:
    v = ctx.variables
    files = _attachments(v.get("evidence"))
    try:
        sub = services.submit_rectification(
            case=_case(ctx),
            acting_user=ctx.acting_user,
            files=files,
            data={
                "measures": v.get("measures", ""),
                "staff_now": v.get("staff_now", ""),
                "note": v.get("note", ""),
            },
        )
    finally:
        for f in files:
            f.close()
    return {"submission_round": sub.round}


@service("enterprises.apply_acceptance")
def apply_acceptance(ctx: ServiceContext) -> dict[str, Any]:
    case = services.accept_rectification(
        case=_case(ctx),
        acting_user=ctx.acting_user,
        result=ctx.variables.get("result", ""),
        opinion=ctx.variables.get("opinion", ""),
    )
    return {"case_state": case.state}


@service("enterprises.apply_review")
def apply_review(ctx: ServiceContext) -> dict[str, Any]:
    case = services.review_rectification(
        case=_case(ctx),
        acting_user=ctx.acting_user,
        passed=ctx.variables.get("result") == "pass",
        opinion=ctx.variables.get("opinion", ""),
    )
    return {"case_state": case.state}


@service("enterprises.apply_approval")
def apply_approval(ctx: ServiceContext) -> dict[str, Any]:
    case = services.approve_rectification(
        case=_case(ctx),
        acting_user=ctx.acting_user,
        passed=ctx.variables.get("result") == "pass",
        opinion=ctx.variables.get("opinion", ""),
    )
    return {"case_state": case.state}


@service("enterprises.expire_case")
def expire_case(ctx: ServiceContext) -> dict[str, Any]:
    """The rectification deadline timer fired: overdue → withdrawal (idempotent)."""
    from .services.checks import expire_case as expire

    case = expire(_case(ctx))
    return {"case_state": case.state}


@service("enterprises.record_defence")
def record_defence(ctx: ServiceContext) -> dict[str, Any]:
    case = services.submit_defence(
        case=_revocation(ctx),
        acting_user=ctx.acting_user,
        statement=ctx.variables.get("statement", ""),
        hearing_requested=bool(ctx.variables.get("hearing_requested")),
    )
    return {"revocation_state": case.state, "hearing_offered": case.hearing_offered}


@service("enterprises.defence_waived")
def defence_waived(ctx: ServiceContext) -> dict[str, Any]:
    from .services.revocation import close_defence

    case = close_defence(_revocation(ctx))
    return {"revocation_state": case.state, "hearing_offered": case.hearing_offered}


@service("enterprises.defence_step")
def defence_step(ctx: ServiceContext) -> dict[str, Any]:
    case = services.handle_defence(
        case=_revocation(ctx),
        acting_user=ctx.acting_user,
        adopted=ctx.variables.get("result") == "adopt",
        opinion=ctx.variables.get("opinion", ""),
    )
    return {"revocation_state": case.state}


@service("enterprises.hearing")
def hearing(ctx: ServiceContext) -> dict[str, Any]:
    case = services.record_hearing(
        case=_revocation(ctx),
        acting_user=ctx.acting_user,
        held=bool(ctx.variables.get("hearing_held")),
        record=ctx.variables.get("hearing_record", ""),
    )
    return {"revocation_state": case.state}


@service("enterprises.legal_step")
def legal_step(ctx: ServiceContext) -> dict[str, Any]:
    case = services.legal_review(
        case=_revocation(ctx),
        acting_user=ctx.acting_user,
        passed=ctx.variables.get("result") == "pass",
        opinion=ctx.variables.get("opinion", ""),
    )
    return {"revocation_state": case.state}


@service("enterprises.issue_decision")
def issue_decision(ctx: ServiceContext) -> dict[str, Any]:
    case = services.issue_decision(case=_revocation(ctx), acting_user=ctx.acting_user)
    return {"revocation_state": case.state, "decision_text": case.decision_text}


@service("enterprises.restore_licence")
def restore_licence(ctx: ServiceContext) -> dict[str, Any]:
    """The suspension timer fired: restore the licence unless a later suspension extended it."""
    import datetime as dt

    from .services.licences import restore

    period_end = dt.date.fromisoformat(str(ctx.variables["suspended_until"]))
    licence = SafetyLicence(pk=int(ctx.variables["licence_id"]))
    return {"restored": restore(licence, on=period_end + dt.timedelta(days=1))}
