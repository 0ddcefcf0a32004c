"""Inbox pages (我的待办): the tabs, the task page with its form, and the claim/unclaim/delegate buttons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from domain.errors import DomainError
from domain.organisations.models import User
from processes.models import InstanceStatus, ProcessDefinition, ProcessInstance
from tasks import services as task_services
from tasks.attachments import store_attachment
from tasks.identity import Identity, identities_of
from tasks.listing import ItemList
from tasks.models import Attachment, WorkItem, WorkItemStatus
from tasks.selectors import Filters, counts_for, inbox_list, may_see_item_data
from webapp.acting import acting_user
from webapp.listing import paginate, search_text
from webapp.refusals import attempt

from .actions import complete_item
from .casedata import case_context
from .formparse import parse_form
from .formrender import render_form
from .visibility import item_or_404

TABS = [
    ("mine", "我的待办"),
    ("available", "待认领"),
    ("due_soon", "即将到期"),
    ("overdue", "已超期"),
]
PAGE_SIZE = 20


def _tab_list(user: User, tab: str, *, process: str, search: str, identities: list[Identity]) -> ItemList:
    if tab == "due_soon":
        f = Filters(process=process, search=search, due_soon=True)
        return inbox_list(user, "todo", filters=f, identities=identities)
    if tab == "overdue":
        f = Filters(process=process, search=search, overdue=True)
        return inbox_list(user, "todo", filters=f, identities=identities)
    return inbox_list(user, tab, filters=Filters(process=process, search=search), identities=identities)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    tab = request.GET.get("tab", "mine")
    if tab not in dict(TABS):
        tab = "mine"
    process = request.GET.get("process", "")[:100]
    search = search_text(request)
    identities = identities_of(user)
    qs = _tab_list(user, tab, process=process, search=search, identities=identities)
    page = paginate(request, qs, per_page=PAGE_SIZE, filters=("q", "process"))
    _mark_held_cases(page.object_list)
    processes = ProcessDefinition.objects.order_by("key").values_list("key", "name").distinct()
    return render(
        request,
        "workflow/inbox.html",
        {
            "tabs": TABS,
            "tab": tab,
            "page": page,
            "counts": counts_for(user, identities=identities),
            "process": process,
            "processes": list(processes),
            "q": search,
        },
    )


def _mark_held_cases(items: Any) -> None:
    """Set ``case_held`` on each item whose case cannot be worked now — suspended (已挂起) or stopped by an incident
    (异常) — so the inbox says so before the officer opens it (one query for the page)."""
    items = list(items)
    held = dict(
        ProcessInstance.objects.filter(
            pk__in={item.instance_id for item in items},
            status__in=(InstanceStatus.SUSPENDED, InstanceStatus.ERROR),
        ).values_list("pk", "status")
    )
    for item in items:
        item.case_held = held.get(item.instance_id, "")


def _may_act(item: WorkItem, user: User) -> bool:
    try:
        task_services.check_can_complete(item, user)
    except DomainError:
        return False
    return True


def _attachments(instance_id: int) -> dict[int, Attachment]:
    return {a.pk: a for a in Attachment.objects.filter(instance_id=instance_id)}


def _render_task(
    request: HttpRequest,
    item: WorkItem,
    *,
    data: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    active = item.status in (WorkItemStatus.OPEN, WorkItemStatus.CLAIMED)
    may_act = active and _may_act(item, user)
    holds_it = item.status == WorkItemStatus.CLAIMED and may_act
    attachments = _attachments(item.instance_id)
    form_html = None
    if holds_it:
        form_html = render_form(
            item.form,
            item.ui_schema,
            data if data is not None else item.draft,
            errors,
            attachments=attachments,
        )
    elif not active and may_see_item_data(user, item):
        form_html = render_form(item.form, item.ui_schema, item.data, readonly=True, attachments=attachments)
    context = {
        "item": item,
        "may_claim": item.status == WorkItemStatus.OPEN and may_act,
        "holds_it": holds_it,
        "form_html": form_html,
        "overdue": item.is_overdue(),
        **case_context(item.instance_id, user=user, attachments=attachments, exclude_item=item.pk),
    }
    return render(request, "workflow/task.html", context, status=status)


@login_required
def task_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = item_or_404(user, pk)
    if request.method != "POST":
        return _render_task(request, item)
    action = request.POST.get("action", "complete")

    def keep(upload: Any, path: str) -> int:
        return store_attachment(upload, user=user, item=item, field=path).pk

    data: dict[str, Any] | None = None
    invalid: ValidationError | None = None
    try:
        with transaction.atomic():  # a refusal (DomainError) takes back everything this post wrote, uploads included
            # who may act is settled before anything is kept: an upload from someone who may only look at the item
            # must not end up linked to the case
            task_services.resolve_actor(item, user)
            data = parse_form(item.form, request.POST, request.FILES, keep)
            try:
                if action == "draft":
                    task_services.save_draft(item, user=user, data=data)
                    messages.success(request, "草稿已暂存。")
                    return redirect("workflow:task", pk=item.pk)
                instance = complete_item(item, user=user, data=data)
            except ValidationError as exc:  # the uploads stay, named in the form drawn again: no second upload
                invalid = exc
    except ValidationError as exc:  # the form itself could not be read: nothing kept
        invalid = exc
    except DomainError as exc:
        messages.error(request, exc.message)
        item.refresh_from_db()
        return _render_task(request, item, data=_typed(item, request), status=exc.status_code)
    if invalid is not None:
        errors = invalid.message_dict if hasattr(invalid, "error_dict") else {"__all__": invalid.messages}
        return _render_task(request, item, data=data, errors=errors, status=400)
    messages.success(request, f"「{item.name}」已办结。")
    nxt = engine_next_for(user, instance.pk)
    return redirect(nxt or reverse("workflow:inbox"))


def _typed(item: WorkItem, request: HttpRequest) -> dict[str, Any] | None:
    """What was typed into a refused form, for drawing it again; the files of the post were not kept."""
    try:
        return parse_form(item.form, request.POST)
    except ValidationError:
        return None


def engine_next_for(user: User, instance_id: int) -> str | None:
    """After completing: go on to the case's next item when the same person may do it (e.g. an applicant)."""
    for item in WorkItem.objects.filter(instance_id=instance_id, status=WorkItemStatus.OPEN):
        if _may_act(item, user):
            return reverse("workflow:task", args=[item.pk])
    return None


def _act(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    """Claim, release, delegate: back to the task page; refused, the task page again with the message and a 4xx."""
    user = acting_user(request)
    item = item_or_404(user, pk)

    def act() -> HttpResponse:
        run(item, user)
        messages.success(request, done)
        return redirect("workflow:task", pk=item.pk)

    def page(status: int) -> HttpResponse:
        item.refresh_from_db()
        return _render_task(request, item, status=status)

    return attempt(request, act, page)


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda item, user: task_services.claim(item, user=user), "已认领，请办理。")


@login_required
@require_POST
def unclaim(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda item, user: task_services.unclaim(item, user=user), "已退回待认领。")


@login_required
@require_POST
def delegate(request: HttpRequest, pk: int) -> HttpResponse:
    username = request.POST.get("to", "").strip()

    def run(item: WorkItem, user: User) -> None:
        target = User.objects.filter(username=username, is_active=True).first()
        if target is None:
            raise DomainError("转办对象不存在，请输入正确的用户名。")
        task_services.delegate(item, user=user, to=target)

    return _act(request, pk, run, f"已转办给 {username}。")
