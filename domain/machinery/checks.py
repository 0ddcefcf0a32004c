"""Checks shared by the notices: firms' qualifications, crews' special-operator certificates (特种作业操作资格证书)
and notice periods in working days (工作日)."""

from __future__ import annotations

import importlib
import re
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError

CERTIFICATE_NO = re.compile(r"^[\w\-（）()\[\]〔〕]{6,40}$")  # letters, digits, CJK, brackets
CREW_TRADES = {
    "installer": "建筑起重机械安装拆卸工",
    "tower_driver": "建筑起重机械司机（塔式起重机）",
    "hoist_driver": "建筑起重机械司机（施工升降机）",
    "signaller": "建筑起重信号司索工",
    "electrician": "建筑电工",
}


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (the start day not counted). Uses the platform calendar
    (``decisions.calendar``, contracts §3) when installed, else the statutory holiday calendar package."""
    try:
        calendar = importlib.import_module("decisions.calendar")
        return calendar.add_working_days(start, days)  # type: ignore[no-any-return]
    except ImportError:
        import chinese_calendar

        def workday(d: date) -> bool:
            try:
                return bool(chinese_calendar.is_workday(d))
            except NotImplementedError:  # a year the package has no holiday data for
                return d.weekday() < 5

        current = start
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if workday(current):
                remaining -= 1
        return current


def check_firm(*, prefix: str, name: str, qualification_no: str, safety_licence_no: str) -> None:
    """A firm installing or dismantling cranes needs a qualification certificate and a safety production licence."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors[f"{prefix}_name"] = "请填写单位名称。"
    if not CERTIFICATE_NO.match(qualification_no.strip()):
        errors[f"{prefix}_qualification_no"] = "请填写有效的起重设备安装工程专业承包资质证书编号。"
    if not CERTIFICATE_NO.match(safety_licence_no.strip()):
        errors[f"{prefix}_safety_licence_no"] = "请填写有效的安全生产许可证编号。"
    if errors:
        raise ValidationError(errors)


def check_crew(crew: list[dict[str, Any]], *, needed_until: date) -> list[dict[str, Any]]:
    """Every crew member holds a special-operator certificate valid through ``needed_until``; returns the crew
    normalised (dates as ISO strings)."""
    if not crew:
        raise ValidationError({"crew": "请至少填写一名持证作业人员。"})
    clean: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for i, person in enumerate(crew):
        name = str(person.get("name", "")).strip()
        trade = str(person.get("trade", "")).strip()
        number = str(person.get("certificate_no", "")).strip()
        raw_until = person.get("valid_until")
        try:
            valid_until = raw_until if isinstance(raw_until, date) else date.fromisoformat(str(raw_until))
        except ValueError:
            valid_until = None
        label = name or f"第{i + 1}名作业人员"
        if not name:
            errors[f"crew.{i}.name"] = f"第{i + 1}名作业人员未填写姓名。"
        if trade not in CREW_TRADES:
            errors[f"crew.{i}.trade"] = f"{label}的工种不正确。"
        if not CERTIFICATE_NO.match(number):
            errors[f"crew.{i}.certificate_no"] = f"{label}未填写有效的特种作业操作资格证书编号。"
        if valid_until is None:
            errors[f"crew.{i}.valid_until"] = f"{label}的证书有效期格式应为 YYYY-MM-DD。"
        elif valid_until < needed_until:
            errors[f"crew.{i}.valid_until"] = f"{label}的证书有效期至 {valid_until}，早于作业结束日期 {needed_until}。"
        clean.append(
            {"name": name, "trade": trade, "certificate_no": number, "valid_until": str(valid_until or raw_until)}
        )
    if errors:
        raise ValidationError(errors)
    return clean


def transit(obj: Any, transition: str, refusal: str) -> None:
    """Run the django-fsm ``transition`` on ``obj``; a refusal by its guards becomes a 409 with ``refusal``."""
    import django_fsm

    from domain.errors import TransitionNotAllowed

    try:
        getattr(obj, transition)()
    except django_fsm.TransitionNotAllowed as exc:
        raise TransitionNotAllowed(refusal) from exc
