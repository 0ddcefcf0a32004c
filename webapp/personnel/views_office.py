"""Pages for regulators and enterprises: certificate query, statistics and Excel export; the electronic archive
per person with identity correction; enterprise-rename batches with live progress (htmx polling)."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from domain.errors import DomainError, NotVisibleError
from domain.organisations.models import Organisation, OrganisationKind
from domain.organisations.scoping import scope_queryset
from domain.personnel import rename, selectors, services
from domain.personnel.models import CertificateClass, CertificateState
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text
from webapp.params import posted_pk
from webapp.spreadsheets import append_row

from .common import is_officer, is_regulator, render_error, require

EXPORT_LIMIT = 20000


def _filters(request: HttpRequest) -> dict[str, str]:
    return {"text": search_text(request, "text"), "klass": choice(request, "klass", CertificateClass.choices),
            "state": choice(request, "state", CertificateState.choices), "employer": search_text(request, "employer")}


@login_required
def query(request: HttpRequest) -> HttpResponse:
    """证书查询与统计."""
    user = acting_user(request)
    params = _filters(request)
    qs = selectors.search_certificates(user, **params)
    page = paginate(request, qs, filters=params)
    stats = selectors.statistics(user)
    return render(request, "personnel/query.html", {
        "page": page, "params": params, "stats": stats, "classes": CertificateClass.choices,
        "states": CertificateState.choices, "state_labels": dict(CertificateState.choices),
        "query_string": page.query, "regulator": is_regulator(user),
    })


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """证书导出 (Excel), the same filters and scope as the query."""
    qs = selectors.search_certificates(acting_user(request), **_filters(request))[:EXPORT_LIMIT]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "安管人员证书"
    append_row(ws, ["证书编号", "姓名", "身份证号码", "类别", "聘用单位", "状态", "发证日期", "有效期至"])
    for c in qs:
        append_row(ws, [c.number or "", c.person.name, str(c.person.id_number), c.get_klass_display(), c.employer_name,
                   c.get_state_display(), c.issued_on, c.valid_to])
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="safety-staff-certificates.xlsx"'
    return response


def _archive_context(request: HttpRequest, pk: int) -> dict:
    user = acting_user(request)
    try:
        person = selectors.get_person(user, pk)
    except NotVisibleError as exc:
        raise Http404(exc.message) from exc
    return {**selectors.archive(user, person), "can_correct": is_officer(user)}


@login_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """电子档案 of one person."""
    return render(request, "personnel/archive.html", _archive_context(request, pk))


@login_required
def my_archive(request: HttpRequest) -> HttpResponse:
    person = selectors.person_of(acting_user(request))
    if person is None:
        raise Http404("您的账号未关联安管人员信息。")
    return redirect("personnel:archive", pk=person.pk)


@login_required
@require_POST
def correct_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """身份信息更正 by an officer."""
    ctx = _archive_context(request, pk)
    try:
        services.correct_identity(person=ctx["person"], acting_user=acting_user(request),
                                  reason=request.POST.get("reason", "")[:200],
                                  name=request.POST.get("name", "")[:50] or None,
                                  id_number=request.POST.get("id_number", "")[:18] or None)
    except (DomainError, ValidationError) as exc:
        return render_error(request, "personnel/archive.html", ctx, exc)
    messages.success(request, "身份信息已更正，并记入审计日志。")
    return redirect("personnel:archive", pk=pk)


def _renames_context(request: HttpRequest) -> dict:
    user = acting_user(request)
    enterprises = scope_queryset(Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE), user,
                                 organisation_fields=["pk"], district_field="district")
    q = search_text(request)
    batches = selectors.renames_visible_to(user)
    if q:
        batches = batches.filter(Q(old_name__icontains=q) | Q(new_name__icontains=q))
    return {"page": paginate(request, batches, filters={"q": q}), "q": q, "enterprises": enterprises.order_by("name"),
            "can_start": is_officer(user)}


@login_required
def renames(request: HttpRequest) -> HttpResponse:
    """企业更名批量变更."""
    if request.method == "POST":
        ctx = _renames_context(request)
        try:
            require(ctx["can_start"], "只有主管部门经办人员可以发起批量变更。")
            ent = ctx["enterprises"].filter(pk=posted_pk(request.POST.get("enterprise"))).first()
            if ent is None:
                raise DomainError("请选择企业。")
            batch = rename.request_rename(enterprise=ent, new_name=request.POST.get("new_name", ""),
                                          acting_user=acting_user(request))
        except (DomainError, ValidationError) as exc:
            return render_error(request, "personnel/renames.html", ctx, exc)
        return redirect("personnel:rename", pk=batch.pk)
    return render(request, "personnel/renames.html", _renames_context(request))


def _batch(request: HttpRequest, pk: int):  # noqa: ANN202 - RenameBatch
    batch = selectors.renames_visible_to(acting_user(request)).filter(pk=pk).first()
    if batch is None:
        raise Http404("批量变更不存在或您无权查看。")
    return batch


@login_required
def rename_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "personnel/rename.html", {"batch": _batch(request, pk), "can_start": is_officer(acting_user(request))})


@login_required
def rename_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the page polls (htmx, every 2 s until done)."""
    return render(request, "personnel/_rename_progress.html", {"batch": _batch(request, pk)})


@login_required
@require_POST
def rename_resume(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if not is_officer(acting_user(request)):
        return render(request, "personnel/rename.html", {"batch": batch, "error": "只有主管部门经办人员可以续办。"}, status=403)
    rename.enqueue(batch.pk)
    messages.success(request, "已重新排队，将从中断处继续。")
    return redirect("personnel:rename", pk=pk)
