"""Forms that start the machinery procedures: property filing, installation notice, use registration,
dismantling notice, and scrapping. Input errors and refusals come back as the form with a Chinese message and a
4xx status; nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from domain.errors import DomainError
from domain.machinery import registration as reg
from domain.machinery import selectors, services
from domain.machinery.models import Machine
from domain.organisations.scoping import scope_of
from tasks.attachments import store_attachment
from webapp.acting import acting_user
from webapp.params import posted_pk

from .forms import (
    ConfirmUseForm,
    DismantlingForm,
    FilingForm,
    InstallationForm,
    ScrapForm,
    UseRegistrationForm,
)
from .views import _get_machine


def _attach(form: forms.Form, names: tuple[str, ...], user: Any) -> dict[str, int]:
    files = {}
    for name in names:
        upload = form.cleaned_data.get(name)
        if upload:
            files[name] = store_attachment(upload, user=user, field=name).pk
    return files


def _apply_errors(form: forms.Form, exc: Exception) -> int:
    """Put a refusal on the form; returns the HTTP status to answer with."""
    if isinstance(exc, DomainError):
        form.add_error(None, exc.message)
        return exc.status_code
    assert isinstance(exc, ValidationError)
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field.split(".")[0]
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
    return 400


def _handle(
    request: HttpRequest, form: forms.Form, title: str, run: Callable[[], str], context: dict[str, Any] | None = None
) -> HttpResponse:
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():  # the uploads stored by ``run`` go with a refusal too
                    return redirect(run())
            except (DomainError, ValidationError) as exc:
                status = _apply_errors(form, exc)
        else:
            status = 400
    return render(request, "machinery/form.html", {"form": form, "title": title, **(context or {})}, status=status)


def _enterprise_only(request: HttpRequest) -> None:
    if scope_of(acting_user(request)).kind != "enterprise":
        raise Http404("此事项由企业办理。")


@login_required
def file_machine(request: HttpRequest) -> HttpResponse:
    """产权备案申请 (M28)."""
    _enterprise_only(request)
    user = acting_user(request)
    machine: Machine | None = None
    if request.GET.get("machine"):
        machine = _get_machine(request, posted_pk(request.GET["machine"]))
    initial = {f: getattr(machine, f) for f in services.MACHINE_FIELDS} if machine else {"safety_devices_ok": True}
    form = FilingForm(request.POST or None, request.FILES or None, initial=initial)

    def run() -> str:
        data = {k: form.cleaned_data[k] for k in services.MACHINE_FIELDS}
        filing = services.submit_filing(
            acting_user=user, data=data, documents=_attach(form, FilingForm.DOCUMENTS, user), machine=machine
        )
        messages.success(request, "产权备案申请已提交。")
        return f"/machinery/{filing.machine_id}/"

    return _handle(request, form, "建筑起重机械产权备案申请", run, {"multipart": True})


@login_required
def notify_installation(request: HttpRequest, pk: int) -> HttpResponse:
    """安装告知."""
    machine = _get_machine(request, pk)
    user = acting_user(request)
    form = InstallationForm(request.POST or None)

    def run() -> str:
        d = form.cleaned_data
        services.notify_installation(
            acting_user=user,
            machine=machine,
            site={"permit_number": d["permit_number"], "name": d["site_name"], "address": d["site_address"],
                  "district_code": d["site_district"].pk if d["site_district"] else None},
            main_contractor=d["main_contractor"],
            supervising_engineer=d["supervising_engineer"],
            installer={"name": d["installer_name"], "qualification_no": d["installer_qualification_no"],
                       "safety_licence_no": d["installer_safety_licence_no"]},
            crew=d["crew"],
            plan_summary=d["plan_summary"],
            planned_start=d["planned_start"],
            planned_end=d["planned_end"],
        )
        messages.success(request, "安装告知已提交，待施工总承包单位和监理审核。")
        return f"/machinery/{machine.pk}/"

    return _handle(request, form, f"安装告知：{machine}", run)


@login_required
def apply_registration(request: HttpRequest, pk: int) -> HttpResponse:
    """使用登记申请 (M29-M32)."""
    user = acting_user(request)
    installation = selectors.installations_visible_to(user).filter(pk=pk).first()
    if installation is None:
        raise Http404("安装记录不存在或您无权查看。")
    form = UseRegistrationForm(request.POST or None, request.FILES or None)

    def run() -> str:
        d = form.cleaned_data
        reg.apply_use_registration(
            acting_user=user,
            installation=installation,
            inspection_body=d["inspection_body"],
            inspection_report_no=d["inspection_report_no"],
            inspected_on=d["inspected_on"],
            inspection_valid_until=d["inspection_valid_until"],
            accepted_on=d["accepted_on"],
            operators=d["operators"],
            documents=_attach(form, UseRegistrationForm.DOCUMENTS, user),
        )
        messages.success(request, "使用登记申请已提交，待监理审核。")
        return f"/machinery/{installation.machine_id}/"

    return _handle(request, form, f"使用登记申请：{installation.machine}（{installation.site_name}）", run,
                   {"multipart": True})


@login_required
def notify_dismantling(request: HttpRequest, pk: int) -> HttpResponse:
    """拆卸告知 (M33)."""
    machine = _get_machine(request, pk)
    user = acting_user(request)
    form = DismantlingForm(request.POST or None)

    def run() -> str:
        d = form.cleaned_data
        reg.notify_dismantling(
            acting_user=user,
            machine=machine,
            dismantler={"name": d["dismantler_name"], "qualification_no": d["dismantler_qualification_no"],
                        "safety_licence_no": d["dismantler_safety_licence_no"]},
            crew=d["crew"],
            checklist=form.checklist(),
            planned_date=d["planned_date"],
        )
        messages.success(request, "拆卸告知已备案，使用登记已注销。")
        return f"/machinery/{machine.pk}/"

    return _handle(request, form, f"拆卸告知：{machine}", run)


@login_required
@require_POST
def scrap(request: HttpRequest, pk: int) -> HttpResponse:
    machine = _get_machine(request, pk)
    form = ScrapForm(request.POST)

    def run() -> str:
        services.scrap_machine(machine=machine, acting_user=acting_user(request), reason=form.cleaned_data["reason"])
        messages.success(request, "设备已报废。")
        return f"/machinery/{machine.pk}/"

    return _handle(request, form, f"设备报废：{machine}", run)


@login_required
@require_POST
def confirm_use(request: HttpRequest, pk: int) -> HttpResponse:
    """监理日常检查确认 from the per-site list."""
    user = acting_user(request)
    registration = selectors.registrations_visible_to(user).filter(pk=pk).first()
    if registration is None:
        raise Http404("使用登记不存在或您无权查看。")
    form = ConfirmUseForm(request.POST)

    def run() -> str:
        reg.confirm_use(
            registration=registration, acting_user=user, in_order=form.cleaned_data["result"] == "ok",
            note=form.cleaned_data["note"],
        )
        messages.success(request, "检查确认已记录。")
        return "/machinery/in-use/"

    return _handle(request, form, f"监理检查确认：{registration}", run)
