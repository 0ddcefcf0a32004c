"""Pages of the person and the enterprise: my certificates and applications, applying (M70), extension (M71),
employer change (M72), moving in / leaving (M73), cancellation (M74), download; the enterprise's staff list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from domain.errors import DomainError, NotVisibleError
from domain.organisations.models import Organisation, OrganisationKind
from domain.personnel import procedures, selectors
from domain.personnel import profile as person_profile
from domain.personnel.models import CertificateClass, SafetyCertificate
from webapp.acting import acting_user
from webapp.params import posted_pk

from .common import is_employer_staff, is_holder, is_regulator, render_error, require

ACTIONS = ("extend", "cancel", "transfer_out", "forced_out")


def _home_context(request: HttpRequest) -> dict:
    user = acting_user(request)
    person = selectors.person_of(user)
    certs = list(selectors.certificates_visible_to(user).filter(person=person)) if person else []
    return {
        "person": person,
        "certificates": certs,
        "applications": selectors.applications_of(certs)[:20] if certs else [],
        "classes": CertificateClass.choices,
        "enterprises": Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True).order_by("name"),
        "staff": selectors.staff_of(user),
        "is_regulator": is_regulator(user),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """我的证书与申请 (person) / 本单位人员 (enterprise) / links for regulators."""
    return render(request, "personnel/home.html", _home_context(request))


@login_required
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    """个人申请考核发证 (M70) or 外省调入换证 (M73)."""
    user = acting_user(request)
    ctx = _home_context(request)
    try:
        person = ctx["person"]
        require(person is not None, "只有已实名登记的个人可以提交申请。")
        employment = person.current_employment
        if employment is None:
            raise DomainError("您当前没有聘用单位，请先由聘用单位登记聘用关系后再申请。")
        klass = request.POST.get("klass", "")
        if klass not in CertificateClass.values:
            raise DomainError("请选择证书类别。")
        origin = request.POST.get("origin_number", "").strip()
        if origin:
            instance = procedures.start_transfer_in(person=person, klass=klass, employer=employment.enterprise,
                                                    origin_number=origin, acting_user=user)
        else:
            instance = procedures.start_certification(person=person, klass=klass, employer=employment.enterprise,
                                                      acting_user=user, job_title=request.POST.get("job_title", "")[:100])
    except (DomainError, ValidationError) as exc:
        return render_error(request, "personnel/home.html", ctx, exc)
    messages.success(request, f"申请已提交（办件号 {instance.business_key}），等待聘用单位确认。")
    return redirect("personnel:home")


@login_required
@require_POST
def change_employer(request: HttpRequest) -> HttpResponse:
    """变更聘用单位 (M72)."""
    user = acting_user(request)
    ctx = _home_context(request)
    try:
        person = ctx["person"]
        require(person is not None, "只有持证人本人可以申请变更聘用单位。")
        new = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE,
                                          pk=posted_pk(request.POST.get("employer"))).first()
        if new is None:
            raise DomainError("请选择新的聘用单位。")
        procedures.start_employer_change(person=person, new_employer=new, acting_user=user)
    except (DomainError, ValidationError) as exc:
        return render_error(request, "personnel/home.html", ctx, exc)
    messages.success(request, "变更申请已提交，新聘用单位确认后自动办结。")
    return redirect("personnel:home")


@login_required
@require_POST
def profile(request: HttpRequest) -> HttpResponse:
    """个人信息: photo and constructor registration."""
    user = acting_user(request)
    ctx = _home_context(request)
    try:
        require(ctx["person"] is not None, "您的账号未关联安管人员信息。")
        person_profile.update_profile(person=ctx["person"], acting_user=user, photo=request.FILES.get("photo"),
                                constructor_registration=request.POST.get("constructor_registration"))
    except (DomainError, ValidationError) as exc:
        return render_error(request, "personnel/home.html", ctx, exc)
    messages.success(request, "个人信息已保存。")
    return redirect("personnel:home")


def _detail_context(request: HttpRequest, pk: int) -> dict:
    user = acting_user(request)
    cert = selectors.get_certificate(user, pk)
    return {"cert": cert, "events": cert.events.select_related("actor", "document").order_by("-created_at", "-id"),
            "applications": selectors.applications_of([cert]), "holder": is_holder(user, cert),
            "employer_staff": is_employer_staff(user, cert), "reasons": procedures.CANCELLATION_REASONS}


@login_required
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        ctx = _detail_context(request, pk)
    except NotVisibleError as exc:
        raise Http404(exc.message) from exc
    return render(request, "personnel/certificate.html", ctx)


@login_required
@require_POST
def certificate_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """延续、注销、调出、强制调出 from the certificate page."""
    user = acting_user(request)
    if action not in ACTIONS:
        raise Http404("未知操作")
    try:
        ctx = _detail_context(request, pk)
    except NotVisibleError as exc:
        raise Http404(exc.message) from exc
    cert: SafetyCertificate = ctx["cert"]
    try:
        if action == "forced_out":
            require(ctx["employer_staff"], "只有聘用单位可以申请强制调出。")
        else:
            require(ctx["holder"] or ctx["employer_staff"], "只有持证人本人或其聘用单位可以办理。")
        if action == "extend":
            instance = procedures.start_extension(certificate=cert, acting_user=user)
        elif action == "cancel":
            instance = procedures.start_cancellation(certificate=cert, reason_code=request.POST.get("reason_code", ""),
                                                     reason=request.POST.get("reason", "")[:200], acting_user=user)
        else:
            instance = procedures.start_transfer_out(certificate=cert, acting_user=user, forced=action == "forced_out",
                                                     reason=request.POST.get("reason", "")[:200])
    except (DomainError, ValidationError) as exc:
        return render_error(request, "personnel/certificate.html", ctx, exc)
    done = instance.status == "completed"
    messages.success(request, "已自动办结。" if done else f"申请已提交（办件号 {instance.business_key}）。")
    return redirect("personnel:certificate", pk=cert.pk)


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """下载电子证书 (sealed PDF)."""
    try:
        cert = selectors.get_certificate(acting_user(request), pk)
    except NotVisibleError as exc:
        raise Http404(exc.message) from exc
    if cert.document is None:
        raise Http404("该证书尚未制发电子证书。")
    return FileResponse(cert.document.pdf.open("rb"), as_attachment=True, filename=f"{cert.number}.pdf",
                        content_type="application/pdf")

