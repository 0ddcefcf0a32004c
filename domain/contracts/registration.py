"""Registered works (报建) and tender results (中标结果) as the contracts module receives them: each is stored and
sent on to the finance cloud (财政云, M05) through the outbox in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from domain.organisations.models import District, Organisation
from security import audit

from . import finance
from .models import BillOfQuantities, FundingType, Project, TenderAward


def project_register(*, code: str, name: str, district_code: str, funding_type: str, employer: Organisation,
                     registered_on: dt.date, address: str = "", acting_user: Any = None) -> Project:
    """Record a registered project (已报建工程)."""
    errors: dict[str, list[str]] = {}
    district = District.objects.filter(pk=district_code).first()
    if district is None:
        errors["district_code"] = [f"行政区划代码 {district_code} 不是上海市的区。"]
    if funding_type not in FundingType.values:
        errors["funding_type"] = ["资金来源应为国有资金投资、国有资金占主导或非国有资金投资。"]
    if not code.strip() or not name.strip():
        errors["code"] = ["请填写报建编号和项目名称。"]
    if Project.objects.filter(code=code).exists():
        errors["code"] = [f"报建编号 {code} 已登记。"]
    if errors or district is None:
        raise ValidationError(errors)
    with transaction.atomic():
        project = Project.objects.create(code=code.strip(), name=name.strip(), district=district,
                                         funding_type=funding_type, employer=employer, registered_on=registered_on,
                                         address=address)
        audit.record(action="contracts.project_registered", actor=acting_user, subject=project,
                     summary=f"登记报建项目 {project}")
        finance.send_project(project)
    return project


def award_record(*, project: Project, tender_reference: str, winner: Organisation, data: dict[str, Any],
                 awarded_on: dt.date, bid_bill: BillOfQuantities | None = None, acting_user: Any = None) -> TenderAward:
    """Record the tender result (中标结果) a tendered contract must match."""
    try:
        price = Decimal(str(data["price"])).quantize(Decimal("0.01"))
    except (KeyError, InvalidOperation, ValueError):
        raise ValidationError({"price": ["中标价应为金额（元）。"]}) from None
    with transaction.atomic():
        award = TenderAward.objects.create(
            tender_reference=tender_reference, project=project, winner=winner, price=price, awarded_on=awarded_on,
            scope=data["scope"], duration_days=int(data["duration_days"]), quality_standard=data["quality_standard"],
            project_manager_name=data["project_manager_name"],
            project_manager_cert_no=data.get("project_manager_cert_no", ""), bid_bill=bid_bill,
            ceiling_price=Decimal(str(data["ceiling_price"])) if data.get("ceiling_price") else None)
        audit.record(action="contracts.award_recorded", actor=acting_user, subject=project,
                     summary=f"登记中标结果 {tender_reference}：{winner.name} {price} 元")
        finance.send_award(award)
    return award
