"""Reads for construction cranes, always scoped to what the acting user may see:

* the city and leaders see everything; a district authority sees machines filed in its district and machines
  installed on sites in its district;
* an enterprise sees the machines it owns and those installed on its sites as main contractor (使用单位);
* a supervising engineer also sees the machines on the sites he supervises.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from domain.errors import NotVisibleError
from domain.organisations.scoping import scope_of, scope_queryset

from .models import Installation, Machine, MachineState, PropertyFiling, RegistrationState, UseRegistration


def _extra(user: Any, *, site_district: str, engineer: str) -> Q | None:
    scope = scope_of(user)
    if scope.kind == "district":
        return Q(**{site_district: scope.district_code})
    if scope.kind == "enterprise":
        return Q(**{engineer: user.pk})
    return None


def machines_visible_to(user: Any) -> QuerySet[Machine]:
    qs = Machine.objects.select_related("owner", "district")
    return scope_queryset(
        qs,
        user,
        organisation_fields=("owner", "installations__main_contractor"),
        district_field="district",
        extra_q=_extra(user, site_district="installations__site_district", engineer="installations__supervising_engineer"),
    ).distinct()


def get_machine(user: Any, pk: int) -> Machine:
    machine = machines_visible_to(user).filter(pk=pk).first()
    if machine is None:
        raise NotVisibleError("设备不存在或您无权查看。")
    return machine


def search_machines(
    user: Any,
    *,
    text: str = "",
    machine_type: str = "",
    state: str = "",
    owner: str = "",
    site: str = "",
) -> QuerySet[Machine]:
    """Query by site, owner, type and state (按工程、产权单位、类型、状态查询)."""
    qs = machines_visible_to(user)
    if text:
        qs = qs.filter(
            Q(filing_number__icontains=text) | Q(model_name__icontains=text) | Q(factory_serial_no__icontains=text)
        )
    if machine_type:
        qs = qs.filter(machine_type=machine_type)
    if state:
        qs = qs.filter(state=state)
    if owner:
        qs = qs.filter(owner__name__icontains=owner)
    if site:
        qs = qs.filter(installations__site_name__icontains=site, installations__state="accepted")
    return qs.order_by("-id")


def installations_visible_to(user: Any) -> QuerySet[Installation]:
    qs = Installation.objects.select_related("machine__owner", "main_contractor", "site_district")
    return scope_queryset(
        qs,
        user,
        organisation_fields=("machine__owner", "main_contractor"),
        district_field="site_district",
        extra_q=_extra(user, site_district="site_district", engineer="supervising_engineer"),
    )


def registrations_visible_to(user: Any) -> QuerySet[UseRegistration]:
    qs = UseRegistration.objects.select_related(
        "machine__owner", "applicant", "installation__site_district", "certificate"
    )
    return scope_queryset(
        qs,
        user,
        organisation_fields=("machine__owner", "applicant"),
        district_field="installation__site_district",
        extra_q=_extra(user, site_district="installation__site_district", engineer="installation__supervising_engineer"),
    )


def filings_visible_to(user: Any) -> QuerySet[PropertyFiling]:
    qs = PropertyFiling.objects.select_related("machine", "applicant")
    return scope_queryset(qs, user, organisation_fields=("applicant",), district_field="machine__district")


def machines_in_use_by_site(user: Any, *, site: str = "", district: str = "") -> dict[str, list[UseRegistration]]:
    """Per-site list of machines in use (工地在用起重机械): ``{site name: [registrations]}``."""
    qs = registrations_visible_to(user).filter(
        state=RegistrationState.APPROVED, machine__state=MachineState.REGISTERED_IN_USE
    )
    if site:
        qs = qs.filter(installation__site_name__icontains=site)
    if district:
        qs = qs.filter(installation__site_district_id=district)
    by_site: dict[str, list[UseRegistration]] = {}
    qs = qs.prefetch_related("confirmations")
    for registration in qs.order_by("installation__site_name", "inspection_valid_until"):
        by_site.setdefault(registration.installation.site_name, []).append(registration)
    return by_site
