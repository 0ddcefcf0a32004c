"""Pages: machine query and export, machine detail with its cases, machines in use per site, certificate
download. The forms that start procedures are in :mod:`.actions`."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from domain.errors import NotVisibleError
from domain.machinery import selectors
from domain.machinery.models import (
    Dismantling,
    Installation,
    InstallationState,
    Machine,
    MachineState,
    MachineType,
    PropertyFiling,
    RegistrationState,
    UseRegistration,
)
from domain.organisations.scoping import scope_of
from processes.models import ProcessInstance
from security.audit import history_for
from webapp.acting import acting_user
from webapp.listing import choice, district_options, paginate, search_text
from webapp.spreadsheets import append_row

EXPORT_HEADER = ["备案编号", "设备类型", "规格型号", "制造单位", "出厂编号", "出厂日期", "额定能力", "产权单位", "状态", "安装工程"]


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        "text": search_text(request, "text"),
        "machine_type": choice(request, "machine_type", MachineType.choices),
        "state": choice(request, "state", MachineState.choices),
        "owner": search_text(request, "owner"),
        "site": search_text(request, "site"),
    }


@login_required
def machine_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    filters = _filters(request)
    qs = selectors.search_machines(user, **filters)
    if request.GET.get("export") == "xlsx":
        return _export(qs)
    page = paginate(request, qs, filters=filters)
    return render(
        request,
        "machinery/list.html",
        {
            "page": page,
            "params": filters,
            "types": MachineType.choices,
            "states": MachineState.choices,
            "may_file": scope_of(user).kind == "enterprise",
        },
    )


def _export(qs: Any) -> HttpResponse:
    """Excel export of the query result (openpyxl)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "建筑起重机械"
    append_row(ws, EXPORT_HEADER)
    machines = list(qs[:5000])
    sites = dict(
        Installation.objects.filter(machine__in=machines, state=InstallationState.ACCEPTED).values_list(
            "machine_id", "site_name"
        )
    )
    for m in machines:
        append_row(ws, [
            m.filing_number or "", m.get_machine_type_display(), m.model_name, m.manufacturer, m.factory_serial_no,
            m.factory_date.isoformat(), f"{m.rated_capacity} {m.capacity_unit}", m.owner.name,
            m.get_state_display(), sites.get(m.pk, ""),
        ])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response["Content-Disposition"] = f'attachment; filename="machinery-{stamp}.xlsx"'
    return response


def _cases(objects: list[Any]) -> list[tuple[Any, ProcessInstance]]:
    found: list[tuple[Any, ProcessInstance]] = []
    by_type: dict[int, dict[str, Any]] = {}
    for obj in objects:
        ct = ContentType.objects.get_for_model(obj)
        by_type.setdefault(ct.pk, {})[str(obj.pk)] = obj
    for ct_id, objs in by_type.items():
        for inst in ProcessInstance.objects.filter(subject_type_id=ct_id, subject_id__in=list(objs)).order_by("-id"):
            found.append((objs[inst.subject_id], inst))
    return sorted(found, key=lambda pair: -pair[1].pk)


def _get_machine(request: HttpRequest, pk: int) -> Machine:
    try:
        return selectors.get_machine(acting_user(request), pk)
    except NotVisibleError as exc:
        raise Http404(exc.message) from exc


@login_required
def machine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    machine = _get_machine(request, pk)
    filings = list(PropertyFiling.objects.filter(machine=machine).order_by("-id"))
    installations = list(
        selectors.installations_visible_to(user).filter(machine=machine).select_related("permit").order_by("-id")
    )
    registrations = list(selectors.registrations_visible_to(user).filter(machine=machine).order_by("-id"))
    dismantlings = list(Dismantling.objects.filter(installation__in=installations).order_by("-id"))
    current = machine.current_installation()
    org_id = getattr(user, "organisation_id", None)
    is_owner = org_id == machine.owner_id
    is_user = current is not None and org_id == current.main_contractor_id
    return render(
        request,
        "machinery/detail.html",
        {
            "machine": machine,
            "filings": filings,
            "installations": installations,
            "registrations": registrations,
            "dismantlings": dismantlings,
            "cases": _cases([*filings, *installations, *registrations, *dismantlings]),
            "audit": history_for(machine),
            "may_refile": is_owner and machine.state == MachineState.DRAFT
            and not any(f.state == "submitted" for f in filings),
            "may_install": is_owner and machine.state in (MachineState.FILED, MachineState.DISMANTLED)
            and current is None,
            "may_register": is_user and current is not None and current.state == InstallationState.ACCEPTED
            and machine.state == MachineState.INSTALLED
            and not current.registrations.exclude(state=RegistrationState.REFUSED).exists(),
            "may_dismantle": (is_owner or is_user)
            and machine.state in (MachineState.INSTALLED, MachineState.REGISTERED_IN_USE),
            "may_scrap": is_owner and machine.state in (MachineState.DRAFT, MachineState.FILED, MachineState.DISMANTLED),
            "current": current,
        },
    )


INSPECTION_FILTERS = [("due", "30日内检验到期或已过期")]
SITES_PER_PAGE = 10


@login_required
def in_use(request: HttpRequest) -> HttpResponse:
    """Per-site list of machines in use (工地在用起重机械), with inspection expiry; sites in name order, ten a page.
    ``?inspection=due`` keeps the machines whose inspection runs out within 30 days (the cockpit's drill-down)."""
    user = acting_user(request)
    today = timezone.localdate()
    soon = today + timedelta(days=30)
    districts = district_options(
        user, selectors.registrations_visible_to(user).filter(state=RegistrationState.APPROVED),
        "installation__site_district",
    )
    filters = {"site": search_text(request, "site"),
               "district": choice(request, "district", [d.code for d in districts]),
               "inspection": choice(request, "inspection", INSPECTION_FILTERS)}
    by_site = selectors.machines_in_use_by_site(user, site=filters["site"], district=filters["district"])
    sites = list(by_site.items())
    if filters["inspection"] == "due":
        sites = [(name, due) for name, rows in sites if (due := [r for r in rows if r.inspection_valid_until <= soon])]
    return render(
        request,
        "machinery/in_use.html",
        {"page": paginate(request, sites, per_page=SITES_PER_PAGE, filters=filters), "params": filters,
         "districts": districts, "inspections": INSPECTION_FILTERS, "soon": soon, "today": today},
    )


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The sealed use-registration certificate (使用登记证明) as PDF."""
    registration: UseRegistration | None = (
        selectors.registrations_visible_to(acting_user(request)).filter(pk=pk, certificate__isnull=False).first()
    )
    if registration is None or registration.certificate is None:
        raise Http404("使用登记证明不存在或您无权查看。")
    response = HttpResponse(registration.certificate.pdf_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="use-registration-{registration.pk}.pdf"'
    return response
