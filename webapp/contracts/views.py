"""Contract pages: my contracts and search, draft, the contract page with the current step's form, objections,
payments, changes, settlement; officer desk; public notices, announcements and settlement comparisons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from domain.contracts import changes, payments, selectors, services, settlement, workflow
from domain.contracts.models import ContractState, PaymentApplication, PricingMethod, Settlement
from domain.errors import ConflictError, DomainError
from domain.organisations.models import Organisation, OrganisationKind
from security.audit import history_for
from webapp.acting import acting_user
from webapp.listing import choice, district_options, paginate, search_text
from webapp.params import posted_pk
from webapp.refusals import attempt

from .actions import direct_actions, ready_for
from .api import draft_contract
from .forms import data_from, fields_of

PAYMENT_AMOUNTS = ("cumulative_completed", "cumulative_paid", "unit_rate_work", "lump_sum_items", "day_work",
                   "safety_fee", "additions", "advance_recovery", "employer_supplied")
CHANGE_FIELDS = ("kind", "changed_on", "project_manager_name", "project_manager_cert_no", "party", "new_name",
                 "summary", "reason")
OFFICER_DESK_ROWS = 10  # rows of the desk's "filing overdue" panel; the rest on the contract list (?overdue=1)


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POST handlers of the contract page, in one transaction: a refused step rolls it back and answers the contract
    page again with the message, the form as it was filled in and a 4xx (400 invalid input, 403 not allowed, 409 the
    step is no longer there), never a 500; a success redirects to the contract page."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        return attempt(request, lambda: view(request, pk, *args, **kwargs),
                       lambda status: _detail_page(request, pk, status=status))

    return wrapper


def _visible(request: HttpRequest, pk: int) -> Any:
    contract = selectors.contracts_visible_to(acting_user(request)).filter(pk=pk).first()
    if contract is None:
        raise Http404("合同不存在或您无权查看。")
    return contract


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    """我的合同 / 合同查询: newest first; search by number, title, project (name or code) and party (name or credit
    code); state, district (where the user sees several) and "filing overdue" filters."""
    user = acting_user(request)
    districts = district_options(user, selectors.contracts_visible_to(user), "project__district")
    text, state = search_text(request), choice(request, "state", ContractState.choices)
    district = choice(request, "district", [d.code for d in districts])
    overdue = request.GET.get("overdue") == "1"
    filters = {"q": text, "state": state, "district": district, "overdue": overdue}
    qs = selectors.search_contracts(user, text=text, state=state, district=district, overdue=overdue)
    page = paginate(request, qs, filters=filters)
    can_draft = user.organisation is not None and selectors.projects_of(user).filter(
        employer=user.organisation).exists()
    return render(request, "contracts/list.html", {"page": page, "params": filters, "states": ContractState.choices,
                                                   "districts": districts, "can_draft": can_draft})


def _draft_context(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    return {
        "projects": selectors.projects_of(user).filter(employer=user.organisation).prefetch_related("awards"),
        "contractors": Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True)
        .exclude(pk=user.organisation_id or 0).order_by("name"),
        "pricing_methods": PricingMethod.choices,
    }


def _draft_data(values: dict[str, Any]) -> dict[str, Any]:
    """The posted draft with its ids as numbers (a tampered id matches nothing and is refused by name)."""
    data: dict[str, Any] = {k: v for k, v in values.items() if k != "csrfmiddlewaretoken"}
    data["project_id"] = posted_pk(data.get("project_id"))
    data["contractor_id"] = posted_pk(data.get("contractor_id"))
    award = data.get("award_id")
    data["award_id"] = (posted_pk(award) or -1) if award else None
    return data


@login_required
def contract_new(request: HttpRequest) -> HttpResponse:
    def page(values: dict[str, Any], status: int) -> HttpResponse:
        return render(request, "contracts/new.html", {**_draft_context(request), "values": values}, status=status)

    if request.method != "POST":
        return page({}, 200)
    values = request.POST.dict()

    def save() -> HttpResponse:
        contract = draft_contract(acting_user(request), _draft_data(values))
        messages.success(request, f"已起草合同 {contract.number}，请核对后启动网签。")
        return redirect("contracts:detail", contract.pk)

    return attempt(request, save, lambda status: page(values, status))


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)

    def page(values: dict[str, Any] | None, status: int) -> HttpResponse:
        return render(request, "contracts/edit.html", {"contract": contract, "values": values,
                                                       "pricing_methods": PricingMethod.choices}, status=status)

    if request.method != "POST":
        return page(None, 200)
    values = request.POST.dict()

    def save() -> HttpResponse:
        services.contract_update_draft(contract=contract, data=values, acting_user=acting_user(request))
        messages.success(request, "草稿已保存。")
        return redirect("contracts:detail", pk)

    return attempt(request, save, lambda status: page(values, status))


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, pk)


def _detail_page(request: HttpRequest, pk: int, *, status: int = 200) -> HttpResponse:
    """The contract page; after a refused post (``status`` 4xx) the form that was posted keeps what was typed."""
    user = acting_user(request)
    contract = _visible(request, pk)
    posted = request.POST if request.method == "POST" else None

    def refill(url_name: str, defaults: dict[str, str]) -> dict[str, str]:
        if posted is not None and request.path == reverse(f"contracts:{url_name}", args=[pk]):
            return {name: posted.get(name, "") for name in defaults}
        return defaults

    def entry(item: Any, action: str, **extra: Any) -> dict[str, Any]:
        fields = fields_of(item.form)
        if posted is not None and request.path == action:
            for field in fields:
                field["value"] = posted.get(field["name"], "")
        return {"item": item, "fields": fields, "action": action, **extra}

    items = [entry(i, reverse("contracts:act", args=[pk, i.element_id])) for i in ready_for(contract, user)]
    pay_items = {}
    for payment in contract.payments.all():
        pay_items[payment.pk] = [entry(i, reverse("contracts:payment-act", args=[pk, payment.pk, i.element_id]))
                                 for i in workflow.ready_items(payment.process_instance_id) if _may(i, user)]
    for change in contract.changes.filter(state="filed"):
        items += [entry(i, reverse("contracts:change-act", args=[pk, change.pk, i.element_id]), change=change)
                  for i in workflow.ready_items(change.process_instance_id) if _may(i, user)]
    today = timezone.localdate().isoformat()
    return render(request, "contracts/detail.html", {
        "contract": contract, "items": items, "actions": direct_actions(contract, user),
        "objections": contract.objections.select_related("filed_by", "filer_organisation"),
        "payments": [(p, pay_items.get(p.pk, [])) for p in contract.payments.order_by("period_no")],
        "changes": contract.changes.select_related("filed_by"),
        "settlement": Settlement.objects.filter(contract=contract).select_related("bill").first(),
        "documents": _documents(contract), "audit": history_for(contract),
        "today": today,
        "pay_form": refill("pay", {"period_end": today, **dict.fromkeys(PAYMENT_AMOUNTS, "0")}),
        "change_form": refill("change", {**dict.fromkeys(CHANGE_FIELDS, ""), "changed_on": today}),
        "object_form": refill("object", {"grounds": ""}),
    }, status=status)


def _may(item: Any, user: Any) -> bool:
    from tasks.services import check_can_complete

    try:
        check_can_complete(item, user)
    except (DomainError, PermissionDenied):
        return False
    return True


def _documents(contract: Any) -> list[tuple[str, Any]]:
    from documents.models import Document

    ids = {"合同文本": contract.document_id, "合同公示": contract.notice_document_id,
           "合同公告": contract.announcement_document_id}
    found = Document.objects.in_bulk([i for i in ids.values() if i])
    return [(label, found[i]) for label, i in ids.items() if i in found]


@login_required
@require_POST
@guarded
def contract_start(request: HttpRequest, pk: int) -> HttpResponse:
    workflow.start_signing(contract=_visible(request, pk), acting_user=acting_user(request))
    messages.success(request, "网签流程已启动，请确认合同草稿以生成合同文本。")
    return redirect("contracts:detail", pk)


def _act(request: HttpRequest, pk: int, instance_id: int | None, element: str, *, gone: str) -> HttpResponse:
    """Complete the ready step ``element`` of a contract's process from the posted form, then back to the contract."""
    item = workflow.ready_item(instance_id, element)
    if item is None:
        raise ConflictError(gone)  # done by someone else meanwhile, or not reached yet: the page is stale (409)
    workflow.act(instance_id=instance_id, element_id=element, data=data_from(item.form, request.POST),
                 acting_user=acting_user(request))
    messages.success(request, f"已办理：{item.name}")
    return redirect("contracts:detail", pk)


@login_required
@require_POST
@guarded
def contract_act(request: HttpRequest, pk: int, element: str) -> HttpResponse:
    contract = _visible(request, pk)
    return _act(request, pk, contract.process_instance_id, element, gone="该环节已办理或尚未到达，请刷新页面。")


@login_required
@require_POST
def contract_object(request: HttpRequest, pk: int) -> HttpResponse:
    """An objection during the public notice, posted from the public page or from the contract page (``from``)."""
    contract = selectors.public_contract(pk)
    if contract is None:
        raise Http404("该合同不在公示中。")

    def file() -> HttpResponse:
        services.objection_file(contract=contract, grounds=request.POST.get("grounds", ""),
                                acting_user=acting_user(request))
        messages.success(request, "异议已提交，发包人答复、主管部门认定后将在本页公开结果。")
        return redirect("contracts:public", pk)

    def page(status: int) -> HttpResponse:
        if request.POST.get("from") == "detail" and selectors.contracts_visible_to(
                acting_user(request)).filter(pk=pk).exists():
            return _detail_page(request, pk, status=status)
        return _public_page(request, pk, status=status, grounds=request.POST.get("grounds", ""))

    return attempt(request, file, page)


@login_required
@require_POST
@guarded
def payment_apply(request: HttpRequest, pk: int) -> HttpResponse:
    payment = payments.payment_apply(contract=_visible(request, pk), data=request.POST.dict(),
                                     acting_user=acting_user(request))
    messages.success(request, f"第{payment.period_no}期进度款申请已提交，发包人应在 {payment.verify_due_on} 前核实。")
    return redirect("contracts:detail", pk)


@login_required
@require_POST
@guarded
def payment_act(request: HttpRequest, pk: int, payment_id: int, element: str) -> HttpResponse:
    contract = _visible(request, pk)
    payment = get_object_or_404(PaymentApplication, pk=payment_id, contract=contract)
    return _act(request, pk, payment.process_instance_id, element, gone="该环节已办理，请刷新页面。")


@login_required
@require_POST
@guarded
def change_act(request: HttpRequest, pk: int, change_id: int, element: str) -> HttpResponse:
    from domain.contracts.models import ContractChange

    change = get_object_or_404(ContractChange, pk=change_id, contract=_visible(request, pk))
    return _act(request, pk, change.process_instance_id, element, gone="该变更已审核，请刷新页面。")


@login_required
@require_POST
@guarded
def change_file(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("agreement")
    try:
        changed_on = dt.date.fromisoformat(request.POST.get("changed_on", ""))
    except ValueError:
        raise ValidationError({"changed_on": ["请填写变更发生日期。"]}) from None
    change = changes.change_file(
        contract=_visible(request, pk), kind=request.POST.get("kind", ""), changed_on=changed_on,
        data=request.POST.dict(), reason=request.POST.get("reason", ""), acting_user=acting_user(request),
        agreement=upload.read() if upload else None, agreement_name=upload.name or "" if upload else "")
    messages.success(request, f"变更已报送{'（已超过15日报送期限）' if change.late else ''}，待区主管部门审核。")
    return redirect("contracts:detail", pk)


@login_required
@require_POST
@guarded
def settlement_upload(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError("请选择结算清单文件（.xml、.json 或 .xlsx）。")
    result = settlement.settlement_submit(contract=_visible(request, pk), data=upload.read(),
                                          filename=upload.name or "", acting_user=acting_user(request))
    messages.success(request, f"竣工结算已提交：{result.bill.total} 元，发包人应在 {result.verify_due_on} 前核对。")
    return redirect("contracts:detail", pk)


@login_required
@require_POST
@guarded
def settlement_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    found = get_object_or_404(Settlement, contract=_visible(request, pk))
    if step == "confirm":
        settlement.settlement_confirm(settlement=found, acting_user=acting_user(request))
    elif step == "publish":
        settlement.settlement_publish(settlement=found, acting_user=acting_user(request))
    else:
        raise Http404
    messages.success(request, "已办理。")
    return redirect("contracts:detail", pk)


@login_required
def officer_desk(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    visible = selectors.contracts_visible_to(user)
    overdue = selectors.search_contracts(user, overdue=True).order_by("filing_due_on", "id")
    # the supervision list is worked through most overdue first; a page at a time
    supervision = sorted(selectors.payment_supervision(user), key=lambda row: (-(row["days_overdue"] or 0),
                                                                                row["payment"].pk))
    return render(request, "contracts/officer.html", {
        "notices": visible.filter(state__in=("under_public_notice", "objection_pending")).order_by("notice_ends_on",
                                                                                                    "id"),
        "objections": selectors.open_objections_for(user),
        "overdue": overdue[:OFFICER_DESK_ROWS],
        "overdue_count": overdue.count(),
        "supervision": paginate(request, supervision),
    })


def notice_list(request: HttpRequest) -> HttpResponse:
    """合同公示 (public): the notices ending soonest first (their objection deadline), searchable."""
    q = search_text(request)
    page = paginate(request, selectors.public_notices(text=q), filters={"q": q})
    return render(request, "contracts/notices.html", {"page": page, "q": q})


def announcement_list(request: HttpRequest) -> HttpResponse:
    q = search_text(request)
    page = paginate(request, selectors.announcements(text=q), filters={"q": q})
    return render(request, "contracts/announcements.html", {"page": page, "q": q})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _public_page(request, pk)


def _public_page(request: HttpRequest, pk: int, *, status: int = 200, grounds: str = "") -> HttpResponse:
    contract = selectors.public_contract(pk)
    if contract is None:
        raise Http404("该合同未公示或公告。")
    decided = contract.objections.exclude(state__in=("filed", "answered"))
    return render(request, "contracts/public.html", {
        "contract": contract, "decided": decided, "documents": _documents(contract),
        "published": selectors.published_settlement(pk), "grounds": grounds}, status=status)


def settlement_comparison(request: HttpRequest, pk: int) -> HttpResponse:
    published = selectors.published_settlement(pk)
    if published is None:
        raise Http404("该合同的竣工结算尚未公布。")
    labels = dict(boq_parts())
    return render(request, "contracts/comparison.html", {"settlement": published, "cmp": published.comparison,
                                                         "labels": labels})


def boq_parts() -> list[tuple[str, str]]:
    from domain.contracts.models import BillPart

    return [*BillPart.choices, ("total", "合计")]
