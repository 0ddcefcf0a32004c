"""Revocation / withdrawal cases (撤销/撤回): list, opening a case (事先告知), detail with its sealed documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from domain.enterprises import selectors, services
from domain.enterprises.models import RevocationGround, RevocationKind, RevocationState, SignOff
from domain.errors import DomainError
from domain.organisations.roles import Role
from security.audit import history_for
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text

from .common import document_links, is_regulator, process_items, refused


@login_required
def revocation_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    cases = selectors.revocations_visible_to(user)
    filters = {"q": search_text(request), "kind": choice(request, "kind", RevocationKind.choices),
               "state": choice(request, "state", RevocationState.choices)}
    if text := filters["q"]:
        cases = cases.filter(Q(number__icontains=text) | Q(enterprise__name__icontains=text)
                             | Q(enterprise__credit_code=text.upper())
                             | Q(qualification__certificate_number__icontains=text)
                             | Q(licence__licence_number__icontains=text))
    if filters["kind"]:
        cases = cases.filter(kind=filters["kind"])
    if filters["state"]:
        cases = cases.filter(state=filters["state"])
    return render(
        request,
        "enterprises/revocation_list.html",
        {
            "page": paginate(request, cases, filters=filters),
            "kinds": RevocationKind.choices,
            "states": RevocationState.choices,
            "params": filters,
            "can_open": user.has_role(Role.CASE_OFFICER),
        },
    )


def _new_context(request: HttpRequest) -> dict:  # type: ignore[type-arg]
    user = acting_user(request)
    return {
        "qualifications": selectors.qualifications_visible_to(user).filter(
            state__in=["valid", "flagged_abnormal", "rectifying"]
        ),
        "licences": selectors.licences_visible_to(user).exclude(state="revoked"),
        "kinds": RevocationKind.choices,
        "grounds": RevocationGround.choices,
        "form": request.POST,
    }


@login_required
def revocation_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.has_role(Role.CASE_OFFICER):
        raise Http404
    if request.method == "POST":
        p = request.POST
        ref = p.get("credential", "")
        kind_, _, raw_pk = ref.partition(":")
        credential = None
        if raw_pk.isdigit():
            source = (
                selectors.qualifications_visible_to(user)
                if kind_ == "q"
                else selectors.licences_visible_to(user)
            )
            credential = source.filter(pk=int(raw_pk)).first()
        try:
            if credential is None:
                raise DomainError("请选择要撤销或撤回的证书。", errors={"credential": ["请选择证书。"]})
            case = services.open_revocation(
                kind=p.get("kind", ""),
                ground=p.get("ground", ""),
                credential=credential,
                facts=p.get("facts", ""),
                reasons=p.get("reasons", ""),
                basis=p.get("basis", ""),
                acting_user=user,
            )
        except DomainError as exc:
            return refused(request, exc, "enterprises/revocation_new.html", _new_context(request))
        messages.success(request, f"已立案 {case.number}，事先告知书已生成，请送达。")
        return redirect("enterprises:revocation", case.pk)
    return render(request, "enterprises/revocation_new.html", _new_context(request))


@login_required
def revocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = get_object_or_404(selectors.revocations_visible_to(user), pk=pk)
    regulator = is_regulator(request)
    docs = case.documents_for(regulator=regulator)
    return render(
        request,
        "enterprises/revocation_detail.html",
        {
            "case": case,
            "notices": case.notices.all(),
            "documents": list(docs.items()),
            "doc_codes": document_links(list(docs.values())),
            "signoffs": SignOff.objects.filter(case_type="revocation", case_id=case.pk).select_related(
                "user"
            ),
            "items": process_items(case.process_instance_id, user),
            "regulator": regulator,
            "audit": history_for(case) if regulator else [],
        },
    )
