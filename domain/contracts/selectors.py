"""Reads for contracts, always scoped: parties see their own contracts, district regulators the contracts of
projects in their district, the city everything. Public notices and announcements are public by law."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from domain.organisations.scoping import scope_queryset

from .models import Contract, ContractState, Objection, PaymentApplication, PaymentState, Project, Settlement
from .models.contract import EFFECTIVE_STATES, PUBLIC_STATES
from .models.events import OPEN_OBJECTION_STATES

RELATED = ("project__district", "employer", "contractor", "award")


def contracts_visible_to(user: Any) -> QuerySet[Contract]:
    qs = Contract.objects.select_related(*RELATED)
    return scope_queryset(qs, user, organisation_fields=("employer", "contractor"), district_field="project__district")


def search_contracts(user: Any, *, text: str = "", state: str = "", district: str = "",
                     overdue: bool = False) -> QuerySet[Contract]:
    """Search by project (name or code), party (name or credit code) and contract number."""
    qs = contracts_visible_to(user)
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(title__icontains=text) | Q(project__name__icontains=text)
                       | Q(project__code__icontains=text) | Q(employer__name__icontains=text)
                       | Q(contractor__name__icontains=text) | Q(employer__credit_code=text)
                       | Q(contractor__credit_code=text))
    if state:
        qs = qs.filter(state=state)
    if district:
        qs = qs.filter(project__district_id=district)
    if overdue:
        qs = qs.filter(state=ContractState.SIGNED, filing_overdue=True)
    return qs.order_by("-id")


def public_notices(*, text: str = "") -> QuerySet[Contract]:
    """Contracts under public notice (合同公示) — visible without login, the notices ending soonest first, searchable
    like :func:`announcements`."""
    qs = Contract.objects.select_related(*RELATED).filter(state__in=PUBLIC_STATES)
    if text:
        qs = qs.filter(_public_text(text))
    return qs.order_by("notice_ends_on", "id")


def _public_text(text: str) -> Q:
    """Search of the public lists: contract number, project (name or code), parties' names."""
    return (Q(number__icontains=text) | Q(project__name__icontains=text) | Q(project__code__icontains=text)
            | Q(employer__name__icontains=text) | Q(contractor__name__icontains=text))


def announcements(*, text: str = "") -> QuerySet[Contract]:
    """Announced contracts (合同公告) — visible without login, searchable by project, party and number."""
    qs = Contract.objects.select_related(*RELATED).filter(state__in=EFFECTIVE_STATES)
    if text:
        qs = qs.filter(_public_text(text))
    return qs.order_by("-announced_at", "-id")


def public_contract(pk: int) -> Contract | None:
    return Contract.objects.select_related(*RELATED).filter(
        pk=pk, state__in=(*PUBLIC_STATES, *EFFECTIVE_STATES)).first()


def open_objections_for(user: Any) -> QuerySet[Objection]:
    contracts = contracts_visible_to(user)
    return (Objection.objects.select_related("contract__project__district", "filed_by", "filer_organisation")
            .filter(contract__in=contracts, state__in=OPEN_OBJECTION_STATES).order_by("filed_at"))


def payments_visible_to(user: Any) -> QuerySet[PaymentApplication]:
    qs = PaymentApplication.objects.select_related("contract__project__district", "contract__employer",
                                                   "contract__contractor")
    return scope_queryset(qs, user, organisation_fields=("contract__employer", "contract__contractor"),
                          district_field="contract__project__district")


def payment_supervision(user: Any, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The officers' supervision list (支付监管): unpaid or flagged payments with their current flags."""
    from .payments import days_overdue, supervision_flags

    today = today or timezone.localdate()
    rows = []
    for payment in payments_visible_to(user).exclude(state=PaymentState.APPLIED, verify_due_on__gte=today):
        flags = payment.flags if payment.state == PaymentState.PAID else supervision_flags(payment, today=today)
        if flags or payment.state != PaymentState.PAID:
            rows.append({"payment": payment, "flags": flags, "days_overdue": days_overdue(payment, today=today)})
    return rows


def projects_of(user: Any) -> QuerySet[Project]:
    qs = Project.objects.select_related("district", "employer")
    return scope_queryset(qs, user, organisation_fields=("employer",), district_field="district")


def published_settlement(pk: int) -> Settlement | None:
    return Settlement.objects.select_related("contract__project", "contract__employer", "contract__contractor",
                                             "contract__award", "bill").filter(contract_id=pk, state="published").first()
