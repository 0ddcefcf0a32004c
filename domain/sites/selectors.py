"""Reads for site supervision, scoped to what the acting user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from domain.organisations.scoping import scope_of, scope_queryset

from .models import DrawRound, Site


def _enterprise_q(user: Any) -> Q | None:
    scope = scope_of(user)
    if scope.kind != "enterprise" or not user.organisation.credit_code:
        return None
    code = user.organisation.credit_code
    return Q(permit__employer_credit_code=code) | Q(permit__contractor_credit_code=code)


def sites_visible_to(user: Any) -> QuerySet[Site]:
    """District regulators see their district's sites; enterprises the sites where they are employer or
    contractor; the city sees all."""
    qs = Site.objects.select_related("permit", "district")
    return scope_queryset(qs, user, district_field="district", extra_q=_enterprise_q(user))


def search_sites(
    user: Any,
    *,
    text: str = "",
    district: str = "",
    general_decoration: bool | None = None,
    drawn: bool | None = None,
    state: str = "",
) -> QuerySet[Site]:
    qs = sites_visible_to(user)
    if text:
        qs = qs.filter(
            Q(name__icontains=text) | Q(permit__permit_number__icontains=text) | Q(permit__employer_name__icontains=text)
        )
    if district:
        qs = qs.filter(district_id=district)
    if general_decoration is not None:
        qs = qs.filter(is_general_decoration=general_decoration)
    if drawn is not None:
        qs = qs.filter(drawn=drawn)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def draw_rounds_visible_to(user: Any) -> QuerySet[DrawRound]:
    """Draw records are public once made (双随机一公开); every logged-in user sees them, newest first."""
    return DrawRound.objects.select_related("district").order_by("-committed_at")


def draw_history(site: Site) -> list[DrawRound]:
    """The rounds whose frozen population included this site, with whether it was drawn."""
    number = site.permit.permit_number
    rounds = DrawRound.objects.filter(district=site.district).order_by("-committed_at")
    return [r for r in rounds if any(p["permit_number"] == number for p in r.population)]
