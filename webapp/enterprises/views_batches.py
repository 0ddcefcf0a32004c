"""Batches (核查批次), notices and their delivery (送达), the enterprise's own notices, and the public-notice
delivery list (公告送达)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from domain.enterprises import selectors, services
from domain.enterprises.models import CheckKind, NoticeState
from domain.errors import DomainError
from domain.organisations.models import District
from domain.organisations.roles import Role
from domain.organisations.scoping import scope_of
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text

from .common import document_links, is_regulator, refused

BATCH_CASES_PER_PAGE = 50


def _batch_context(request: HttpRequest) -> dict:  # type: ignore[type-arg]
    user = acting_user(request)
    scope = scope_of(user)
    districts = (
        District.objects.all() if scope.kind == "all" else District.objects.filter(pk=scope.district_code)
    )
    filters = {"q": search_text(request), "kind": choice(request, "kind", CheckKind.choices)}
    batches = selectors.batches_visible_to(user)
    if filters["q"]:
        batches = batches.filter(Q(number__icontains=filters["q"]) | Q(title__icontains=filters["q"]))
    if filters["kind"]:
        batches = batches.filter(kind=filters["kind"])
    return {
        "page": paginate(request, batches, filters=filters),
        "kinds": CheckKind.choices,
        "districts": districts,
        "can_publish": user.has_role(Role.CASE_OFFICER) or user.is_superuser,
        "params": filters,
    }


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    if not is_regulator(request):
        raise Http404
    if request.method == "POST":
        p = request.POST
        try:
            deadline = dt.date.fromisoformat(p["deadline"]) if p.get("deadline") else None
            batch = services.publish_batch(
                kind=p.get("kind", ""),
                title=p.get("title", ""),
                district_code=p.get("district") or None,
                deadline=deadline,
                acting_user=acting_user(request),
            )
        except ValueError:
            exc = DomainError("整改期限日期格式不正确。", errors={"deadline": ["请选择日期。"]})
            return refused(
                request, exc, "enterprises/batch_list.html", {**_batch_context(request), "form": p}
            )
        except DomainError as exc:
            return refused(
                request, exc, "enterprises/batch_list.html", {**_batch_context(request), "form": p}
            )
        messages.success(request, f"已发布核查批次 {batch.number}，{batch.cases.count()} 家企业纳入整改。")
        return redirect("enterprises:batch", batch.pk)
    return render(request, "enterprises/batch_list.html", _batch_context(request))


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    batch = get_object_or_404(selectors.batches_visible_to(user), pk=pk)
    cases = selectors.cases_visible_to(user).filter(batch=batch)
    return render(
        request,
        "enterprises/batch_detail.html",
        {
            "batch": batch,
            "cases": paginate(request, cases.prefetch_related("notices"), per_page=BATCH_CASES_PER_PAGE),
            "stats": selectors.case_statistics(cases),
        },
    )


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """An enterprise's notices (我的监管文书); regulators see those of their district."""
    user = acting_user(request)
    notices = selectors.notices_visible_to(user)
    filters = {"q": search_text(request), "state": choice(request, "state", NoticeState.choices)}
    if filters["q"]:
        text = filters["q"]
        notices = notices.filter(Q(number__icontains=text) | Q(title__icontains=text)
                                 | Q(enterprise__name__icontains=text) | Q(enterprise__credit_code=text.upper()))
    if filters["state"]:
        notices = notices.filter(state=filters["state"])
    return render(
        request,
        "enterprises/notice_list.html",
        {
            "page": paginate(request, notices, filters=filters),
            "states": NoticeState.choices,
            "params": filters,
            "regulator": is_regulator(request),
        },
    )


def _notice_context(request: HttpRequest, notice) -> dict:  # type: ignore[no-untyped-def, type-arg]
    user = acting_user(request)
    return {
        "notice": notice,
        "docs": document_links([notice.document_id, notice.receipt_document_id]),
        "regulator": is_regulator(request),
        "can_receive": user.organisation_id == notice.enterprise_id,
        "can_record": user.has_role(Role.CASE_OFFICER, Role.INSPECTOR),
        "can_publish": user.has_role(Role.CASE_OFFICER),
    }


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    notice = get_object_or_404(selectors.notices_visible_to(user), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "receive":
                services.receive_online(notice=notice, acting_user=user)
                messages.success(request, "已在线签收，送达回证已生成。")
            elif action == "on_site":
                services.record_on_site(
                    notice=notice,
                    acting_user=user,
                    recipient_name=request.POST.get("recipient_name", ""),
                    photo=request.FILES.get("photo"),
                )
                messages.success(request, "已登记现场送达。")
            elif action == "public":
                services.publish_public_notice(
                    notice=notice, acting_user=user, reason=request.POST.get("reason", "")
                )
                messages.success(request, "已发布公告送达，期满30日视为送达。")
            else:
                raise DomainError("请选择送达方式。")
        except DomainError as exc:
            return refused(request, exc, "enterprises/notice_detail.html", _notice_context(request, notice))
        return redirect("enterprises:notice", notice.pk)
    return render(request, "enterprises/notice_detail.html", _notice_context(request, notice))


def public_notice_list(request: HttpRequest) -> HttpResponse:
    """Public-notice deliveries (公告送达), open to everyone."""
    q = search_text(request)
    notices = selectors.public_notices()
    if q:
        notices = notices.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(enterprise__name__icontains=q))
    return render(request, "enterprises/public_notices.html", {"page": paginate(request, notices, filters={"q": q}),
                                                               "q": q})
