"""Safety-licence outcomes (M62-M69): accidents, suspension (暂扣) or revocation (吊销) by the scale of
建质〔2008〕121号 (DMN ``enterprises_suspension_scale``), restoration when the period ends, extension without
re-examination (免审延期)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from domain.db import lock_rows
from domain.errors import ProcedureError
from domain.organisations.roles import Role
from security import audit

from .. import rules, workflow
from ..models import Accident, AccidentLevel, LicenceState, SafetyLicence, Suspension
from ._common import add_months, district_of, require_district, require_role, today
from .revocation import open_revocation

MAX_TOTAL_SUSPENSION_DAYS = 120
EXTENSION_YEARS = 3
#: No safety licence existed before the regulations took effect, so no accident can count against one.
ACCIDENTS_SINCE = dt.date(2004, 1, 13)
MAX_FATALITIES = 10000


@dataclass(frozen=True)
class ScaleOutcome:
    outcome: str  # "suspend" | "revoke"
    days_min: int
    days_max: int
    basis: str


def scale_for(
    *, licence: SafetyLicence, accident: Accident | None, refused_rectification: bool = False
) -> ScaleOutcome:
    """What the scale allows for this accident (counting accidents in the 12 months up to it)."""
    count = 0
    level = "none"
    if accident is not None:
        since = accident.occurred_on - dt.timedelta(days=365)
        count = licence.accidents.filter(occurred_on__gt=since, occurred_on__lte=accident.occurred_on).count()
        level = accident.level
    row = rules.evaluate(
        "enterprises_suspension_scale",
        {
            "refused_rectification": refused_rectification,
            "accidents_in_12_months": count,
            "accident_level": level,
        },
    )
    late = rules.evaluate(
        "enterprises_late_report_extension", {"reported_late": bool(accident and accident.reported_late)}
    )
    basis = "；".join(b for b in (row["basis"], late["basis"]) if b)
    if row["outcome"] == "revoke":
        return ScaleOutcome("revoke", 0, 0, basis)
    return ScaleOutcome(
        "suspend",
        int(row["days_min"]) + int(late["extra_min"]),
        int(row["days_max"]) + int(late["extra_max"]),
        basis,
    )


def record_accident(
    *,
    licence: SafetyLicence,
    acting_user: Any,
    occurred_on: dt.date,
    level: str,
    fatalities: int = 0,
    reported_late: bool = False,
    description: str = "",
) -> Accident:
    require_role(acting_user, Role.CASE_OFFICER, Role.INSPECTOR, action="登记生产安全事故")
    if level not in AccidentLevel.values:
        raise ProcedureError("请选择事故等级。", errors={"level": ["请选择事故等级。"]})
    if not 0 <= fatalities <= MAX_FATALITIES:
        msg = f"死亡人数应为 0 至 {MAX_FATALITIES} 之间的整数。"
        raise ProcedureError(msg, errors={"fatalities": [msg]})
    if not ACCIDENTS_SINCE <= occurred_on <= today():
        msg = f"事故发生日期应在 {ACCIDENTS_SINCE}（《安全生产许可证条例》施行）至今天之间。"
        raise ProcedureError(msg, errors={"occurred_on": [msg]})
    with transaction.atomic():
        accident = Accident.objects.create(
            licence=licence,
            occurred_on=occurred_on,
            level=level,
            fatalities=fatalities,
            reported_late=reported_late,
            description=description,
        )
        audit.record(
            action="enterprises.accident_recorded",
            actor=acting_user,
            subject=licence,
            summary=f"登记{accident.get_level_display()}（{occurred_on}）",
        )
    return accident


def decide_suspension(
    *,
    licence: SafetyLicence,
    acting_user: Any,
    accident: Accident | None = None,
    days: int = 0,
    refused_rectification: bool = False,
    on: dt.date | None = None,
) -> Suspension:
    """Suspend for ``days`` within the scale's range; where the scale (or a total over 120 days) says revoke, open
    a revocation case (吊销 is a penalty: prior notice, hearing rights and legal review come first, M56)."""
    require_role(acting_user, Role.APPROVER, action="作出暂扣/吊销决定")
    require_district(acting_user, district_of(licence.enterprise).pk, action="作出暂扣/吊销决定")
    on = on or today()
    scale = scale_for(licence=licence, accident=accident, refused_rectification=refused_rectification)
    if scale.outcome == "suspend" and not scale.days_min <= days <= scale.days_max:
        msg = f"按暂扣标准，暂扣天数应在 {scale.days_min}-{scale.days_max} 日之间（{scale.basis}）。"
        raise ProcedureError(msg, errors={"days": [msg]})
    with transaction.atomic():
        licence = lock_rows(SafetyLicence.objects).select_related("enterprise").get(pk=licence.pk)
        if licence.state == LicenceState.REVOKED:
            raise ProcedureError("该许可证已吊销。")
        remaining = (licence.suspended_until - on).days if licence.suspended_until else 0
        revoke = scale.outcome == "revoke" or remaining + days > MAX_TOTAL_SUSPENSION_DAYS
        basis = (
            scale.basis
            if scale.outcome == "revoke" or not revoke
            else f"{scale.basis}；累计暂扣超过120日，吊销"
        )
        if revoke:
            case = open_revocation(
                kind="revoke",
                ground="safety_scale",
                credential=licence,
                facts=f"{licence.enterprise.name}持有的安全生产许可证 {licence.licence_number}：{basis}。",
                reasons="依暂扣吊销标准，应予吊销安全生产许可证。",
                basis="《安全生产许可证条例》第十四条；建质〔2008〕121号",
                acting_user=acting_user,
            )
            suspension = Suspension.objects.create(
                licence=licence,
                accident=accident,
                outcome="revoke",
                basis=f"{basis}（拟吊销，已立案 {case.number}，经事先告知、听证权利告知和法制审核后决定）",
                decided_by=acting_user,
            )
        else:
            start = licence.suspended_until or on
            ends = start + dt.timedelta(days=days)
            licence.suspend(until=ends)
            suspension = Suspension.objects.create(
                licence=licence,
                accident=accident,
                outcome="suspend",
                days=days,
                starts_on=start,
                ends_on=ends,
                basis=basis,
                decided_by=acting_user,
            )
        if not revoke:
            licence.save(update_fields=["state", "suspended_until"])
            workflow.start_suspension_timer(licence, acting_user=acting_user)
        audit.record(
            action=f"enterprises.licence_{suspension.outcome}",
            actor=acting_user,
            subject=licence,
            summary=(
                "吊销安全生产许可证"
                if revoke
                else f"暂扣安全生产许可证 {days} 日至 {licence.suspended_until}"
            ),
            data={"basis": basis},
        )
    return suspension


def restore_due(*, on: dt.date | None = None) -> list[int]:
    """Sweep: suspensions whose period has ended restore the licence (暂扣期满); the procedure's timer does the same
    where it runs, and whichever comes first wins."""
    on = on or today()
    due = SafetyLicence.objects.filter(state=LicenceState.SUSPENDED, suspended_until__lt=on)
    return [pk for pk in due.values_list("pk", flat=True) if restore(SafetyLicence(pk=pk), on=on)]


def restore(licence: SafetyLicence, *, on: dt.date | None = None) -> bool:
    """Restore the licence when its suspension has ended (idempotent; a later, longer suspension wins)."""
    on = on or today()
    with transaction.atomic():
        licence = SafetyLicence.objects.select_for_update().get(pk=licence.pk)
        if licence.state != LicenceState.SUSPENDED or (
            licence.suspended_until and licence.suspended_until >= on
        ):
            return False
        licence.restore()
        licence.save(update_fields=["state", "suspended_until"])
        licence.suspensions.filter(outcome="suspend", restored_at__isnull=True).update(
            restored_at=timezone.now()
        )
        audit.record(
            action="enterprises.licence_restored", subject=licence, summary="暂扣期满，恢复安全生产许可证"
        )
    return True


def extend_licence(*, licence: SafetyLicence, acting_user: Any) -> SafetyLicence:
    """Extension (延期) for 3 years without re-examination when no fatal accident happened in the term."""
    require_role(acting_user, Role.CASE_OFFICER, Role.APPROVER, action="办理延期")
    require_district(acting_user, district_of(licence.enterprise).pk, action="办理延期")
    fatal = licence.accidents.filter(occurred_on__gte=licence.valid_from, fatalities__gt=0).count()
    verdict = rules.evaluate("enterprises_licence_extension", {"fatal_accidents_in_term": fatal})
    if not verdict["without_reexamination"]:
        raise ProcedureError(f"{verdict['reason']}，请按新申请办理。")
    with transaction.atomic():
        licence = lock_rows(SafetyLicence.objects).get(pk=licence.pk)
        licence.extend(valid_to=add_months(licence.valid_to, 12 * EXTENSION_YEARS))
        licence.save(update_fields=["state", "valid_to"])
        audit.record(
            action="enterprises.licence_extended",
            actor=acting_user,
            subject=licence,
            summary=f"免审延期至 {licence.valid_to}",
            data={"reason": verdict["reason"]},
        )
    return licence
