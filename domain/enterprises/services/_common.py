"""Helpers shared by the enterprises services: role and scope checks, four-eyes, numbering, day arithmetic."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max
from django.utils import timezone

from domain.errors import PermissionDeniedError, ProcedureError
from domain.organisations.models import District, Organisation
from domain.organisations.roles import Role
from domain.organisations.scoping import scope_of

from ..models import SignOff

STEP_LABELS = {"accept": "受理", "review": "审核", "approve": "审批"}


def today() -> dt.date:
    return timezone.localdate()


def require_role(user: Any, *roles: str, action: str) -> None:
    if user is None or not user.is_authenticated or not (user.is_superuser or user.has_role(*roles)):
        names = "、".join(Role(r).label for r in roles)
        raise PermissionDeniedError(f"{action}需要{names}角色。")


def require_district(user: Any, district_code: str, *, action: str) -> None:
    """The regulator user's jurisdiction covers ``district_code`` (city level covers all)."""
    scope = scope_of(user)
    if scope.kind == "all":
        return
    if scope.kind == "district" and scope.district_code == district_code:
        return
    raise PermissionDeniedError(f"该企业不在您的管辖范围内，不能{action}。")


def district_of(enterprise: Organisation) -> District:
    """The enterprise's district (every supervised enterprise is registered in one)."""
    if enterprise.district is None:
        raise ProcedureError(f"{enterprise.name}未登记所属区，请先完善企业信息。")
    return enterprise.district


def require_enterprise_user(user: Any, enterprise: Organisation, *, action: str) -> None:
    if user is None or not user.is_authenticated or user.organisation_id != enterprise.pk:
        raise PermissionDeniedError(f"只有{enterprise.name}的用户可以{action}。")
    require_role(user, Role.ENTERPRISE_OPERATOR, Role.ENTERPRISE_LEGAL, action=action)


def four_eyes(*, case_type: str, case_id: int, stage: str, step: str, user: Any) -> None:
    """Four-eyes (双人复核): whoever signed one step of a stage may not sign another step of it."""
    other = (
        SignOff.objects.filter(case_type=case_type, case_id=case_id, stage=stage, user=user)
        .exclude(step=step)
        .values_list("step", flat=True)
        .first()
    )
    if other is not None:
        raise PermissionDeniedError(
            f"您已在本环节办理了“{STEP_LABELS.get(other, other)}”，"
            f"“{STEP_LABELS.get(step, step)}”须由另一名工作人员办理（双人复核）。"
        )


def sign(
    *, case_type: str, case_id: int, stage: str, step: str, result: str, opinion: str, user: Any
) -> SignOff:
    four_eyes(case_type=case_type, case_id=case_id, stage=stage, step=step, user=user)
    return SignOff.objects.create(
        case_type=case_type,
        case_id=case_id,
        stage=stage,
        step=step,
        result=result,
        opinion=opinion,
        user=user,
    )


def require_opinion(opinion: str, *, what: str) -> str:
    opinion = (opinion or "").strip()
    if not opinion:
        raise ProcedureError(f"请填写{what}。", errors={"opinion": [f"请填写{what}。"]})
    return opinion


def next_number(model: Any, prefix: str, *, field: str = "number") -> str:
    """``<prefix><year>-<nnnn>`` unique within ``model``."""
    year = today().year
    stem = f"{prefix}{year}-"
    last = model.objects.filter(**{f"{field}__startswith": stem}).aggregate(m=Max(field))["m"]
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{seq:04d}"


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def roll_to_working_day(day: dt.date) -> dt.date:
    """A period ending on a holiday ends on the next working day (DOMAIN.md §0)."""
    try:
        from decisions.calendar import is_working_day  # the platform calendar, once installed
    except ImportError:
        import chinese_calendar

        def is_working_day(day: dt.date) -> bool:
            try:
                return bool(chinese_calendar.is_workday(day))
            except NotImplementedError:  # beyond the library's years: weekends only
                return day.weekday() < 5

    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    """``n`` working days after ``day`` (the start day not counted)."""
    try:
        from decisions.calendar import add_working_days as platform_add

        return platform_add(day, n)
    except ImportError:
        for _ in range(n):
            day = roll_to_working_day(day + dt.timedelta(days=1))
        return day


def next_step(*, case_type: str, case_id: int, stage: str) -> str:
    """The next of accept → review → approve not yet signed in ``stage``."""
    done = set(
        SignOff.objects.filter(case_type=case_type, case_id=case_id, stage=stage).values_list(
            "step", flat=True
        )
    )
    return next(s for s in ("accept", "review", "approve", "done") if s not in done)
