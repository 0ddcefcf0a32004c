"""Case pages: the case with its BPMN diagram (案件详情), "my applications" (我的申请), starting a procedure."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from domain.errors import DomainError
from processes import engine
from processes.models import InstanceStatus
from tasks.attachments import referenced_attachments, store_attachment
from tasks.models import Attachment
from webapp.acting import acting_user
from webapp.listing import choice, paginate, search_text

from .actions import start_procedure
from .casedata import case_context
from .cases import my_applications
from .formparse import parse_form
from .formrender import render_form
from .pages_inbox import engine_next_for
from .procedures import procedure, procedures_for
from .visibility import instance_or_404

PAGE_SIZE = 20


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render_case(request, pk)


def render_case(request: HttpRequest, pk: int, *, status: int = 200) -> HttpResponse:
    """The case page (also drawn again, with a refusal's 4xx, when an operator's control was refused)."""
    from webapp.operations.controls import REASON_MAX, controls_for

    user = acting_user(request)
    instance = instance_or_404(user, pk)
    state = engine.diagram_state(instance)
    context = {**case_context(instance.pk, user=user), "diagram": state,
               "controls": controls_for(user, instance), "reason_max": REASON_MAX}
    return render(request, "workflow/case.html", context, status=status)


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    qs = my_applications(user)
    status = choice(request, "status", InstanceStatus.choices)
    if status:
        qs = qs.filter(status=status)
    search = search_text(request)
    if search:
        qs = qs.filter(Q(business_key__icontains=search) | Q(data__project_name__icontains=search))
    page = paginate(request, qs, per_page=PAGE_SIZE, filters={"q": search, "status": status})
    return render(
        request,
        "workflow/applications.html",
        {
            "page": page,
            "status": status,
            "statuses": InstanceStatus.choices,
            "q": search,
            "can_start": any(allowed for _p, allowed in procedures_for(user)),
        },
    )


@login_required
def start_list(request: HttpRequest) -> HttpResponse:
    rows = procedures_for(acting_user(request))
    return render(request, "workflow/start_list.html", {"rows": rows})


def _draft_key(key: str) -> str:
    return f"jg_start_draft:{key}"


@login_required
def start_page(request: HttpRequest, key: str) -> HttpResponse:
    user = acting_user(request)
    proc = procedure(key)
    if proc is None or not proc.may_start(user):
        raise Http404("未找到可发起的流程")
    data: dict[str, Any] | None = request.session.get(_draft_key(key))
    errors: dict[str, list[str]] | None = None
    status = 200
    if request.method == "POST":
        try:
            data = parse_form(
                proc.start_form,
                request.POST,
                request.FILES,
                lambda upload, path: store_attachment(upload, user=user, field=path).pk,
            )
            if request.POST.get("action") == "draft":
                request.session[_draft_key(key)] = data
                messages.success(request, "草稿已暂存，可稍后继续填写。")
                return redirect("workflow:start", key=key)
            instance = start_procedure(proc, user=user, variables=data)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            status = 400
        except DomainError as exc:
            errors = {"__all__": [exc.message]}
            status = exc.status_code
        else:
            request.session.pop(_draft_key(key), None)
            messages.success(request, f"申请已提交，申请编号 {instance.business_key}。")
            return redirect(
                engine_next_for(user, instance.pk) or reverse("workflow:case", args=[instance.pk])
            )
    refs = referenced_attachments(proc.start_form, data or {})
    kept = {a.pk: a for a in Attachment.objects.filter(pk__in=refs.values(), uploaded_by=user)}
    form_html = render_form(proc.start_form, proc.start_ui, data, errors, attachments=kept)
    return render(request, "workflow/start.html", {"proc": proc, "form_html": form_html}, status=status)
