"""Substitute settings (代理设置): name a colleague who sees and acts on my work items for a date range."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from domain.errors import DomainError
from domain.organisations.models import User
from tasks import services as task_services
from tasks.models import Substitution
from webapp.acting import acting_user


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@login_required
def substitutes(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        substitute = User.objects.filter(
            username=request.POST.get("substitute", "").strip(),
            organisation=user.organisation,
            is_active=True,
        ).first()
        starts_on, ends_on = _date(request.POST.get("starts_on", "")), _date(request.POST.get("ends_on", ""))
        if substitute is None:
            errors["substitute"] = "请选择本单位的一名同事"
        if starts_on is None:
            errors["starts_on"] = "请填写开始日期"
        if ends_on is None:
            errors["ends_on"] = "请填写结束日期"
        if not errors and substitute and starts_on and ends_on:
            try:
                task_services.set_substitute(
                    principal=user,
                    substitute=substitute,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    reason=request.POST.get("reason", "")[:200],
                    acting_user=user,
                )
            except DomainError as exc:
                errors["general"] = exc.message
            else:
                messages.success(request, f"已设置 {substitute.display_name} 为代理人。")
                return redirect("workflow:substitutes")
    colleagues = (
        User.objects.filter(organisation=user.organisation, is_active=True)
        .exclude(pk=user.pk)
        .order_by("username")
        if user.organisation_id
        else User.objects.none()
    )
    today = timezone.localdate()
    return render(
        request,
        "workflow/substitutes.html",
        {
            "mine": Substitution.objects.filter(principal=user, ends_on__gte=today).select_related(
                "substitute"
            ),
            "for_others": Substitution.objects.filter(substitute=user, ends_on__gte=today).select_related(
                "principal"
            ),
            "colleagues": colleagues,
            "errors": errors,
            "post": request.POST,
            "today": today,
        },
        status=400 if errors else 200,
    )
