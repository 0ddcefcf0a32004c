"""Qualifications and safety licences: list, licence detail with accidents, suspension (暂扣/吊销) and extension."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from domain.enterprises import selectors, services
from domain.enterprises.models import AccidentLevel, LicenceState, QualificationState, SafetyLicence
from domain.errors import DomainError
from domain.organisations.roles import Role
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text

from .common import is_regulator, refused

CREDENTIAL_TABS = [("qualifications", "资质证书"), ("licences", "安全生产许可证")]


@login_required
def credential_list(request: HttpRequest) -> HttpResponse:
    """Qualifications or safety licences (one tab each), by enterprise; search by enterprise name, credit code or
    certificate number; state filter."""
    user = acting_user(request)
    tab = choice(request, "tab", CREDENTIAL_TABS) or "qualifications"
    q = search_text(request)
    if tab == "licences":
        states = LicenceState.choices
        rows: QuerySet[Any] = selectors.licences_visible_to(user).order_by("enterprise__name", "licence_number")
        number = "licence_number"
    else:
        states = QualificationState.choices
        rows = selectors.qualifications_visible_to(user).order_by("enterprise__name", "category", "grade", "id")
        number = "certificate_number"
    filters = {"q": q, "state": choice(request, "state", states)}
    if q:
        rows = rows.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code=q.upper())
                           | Q(**{f"{number}__icontains": q}))
    if filters["state"]:
        rows = rows.filter(state=filters["state"])
    return render(
        request,
        "enterprises/credential_list.html",
        {
            "tab": tab,
            "tabs": CREDENTIAL_TABS,
            "page": paginate(request, rows, filters=filters),
            "states": states,
            "params": filters,
            "regulator": is_regulator(request),
        },
    )


def _licence_context(request: HttpRequest, licence: SafetyLicence) -> dict:  # type: ignore[type-arg]
    user = acting_user(request)
    accidents = list(licence.accidents.all())
    scales = {a.pk: services.scale_for(licence=licence, accident=a) for a in accidents[:5]}
    return {
        "licence": licence,
        "accidents": [(a, scales.get(a.pk)) for a in accidents],
        "suspensions": licence.suspensions.select_related("accident", "decided_by"),
        "levels": AccidentLevel.choices,
        "can_record": user.has_role(Role.CASE_OFFICER, Role.INSPECTOR),
        "can_decide": user.has_role(Role.APPROVER),
        "can_extend": user.has_role(Role.CASE_OFFICER, Role.APPROVER),
        "form": request.POST,
    }


@login_required
def licence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    licence = get_object_or_404(selectors.licences_visible_to(user), pk=pk)
    if request.method == "POST":
        p = request.POST
        try:
            action = p.get("action")
            if action == "accident":
                services.record_accident(
                    licence=licence,
                    acting_user=user,
                    occurred_on=_date(p.get("occurred_on", "")),
                    level=p.get("level", ""),
                    fatalities=int(p.get("fatalities") or 0),
                    reported_late=p.get("reported_late") == "on",
                    description=p.get("description", ""),
                )
                messages.success(request, "已登记事故。")
            elif action == "suspend":
                accident = licence.accidents.filter(pk=int(p.get("accident") or 0)).first()
                s = services.decide_suspension(
                    licence=licence,
                    accident=accident,
                    days=int(p.get("days") or 0),
                    refused_rectification=p.get("refused") == "on",
                    acting_user=user,
                )
                messages.success(
                    request,
                    "按标准应予吊销，已立案并生成事先告知书。"
                    if s.outcome == "revoke"
                    else f"已暂扣 {s.days} 日。",
                )
            elif action == "extend":
                services.extend_licence(licence=licence, acting_user=user)
                messages.success(request, "已免审延期3年。")
            else:
                raise DomainError("请选择操作。")
        except ValueError:
            exc = DomainError("日期或天数格式不正确。")
            return refused(
                request, exc, "enterprises/licence_detail.html", _licence_context(request, licence)
            )
        except DomainError as exc:
            return refused(
                request, exc, "enterprises/licence_detail.html", _licence_context(request, licence)
            )
        return redirect("enterprises:licence", licence.pk)
    return render(request, "enterprises/licence_detail.html", _licence_context(request, licence))


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)
