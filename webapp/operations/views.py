"""Pages of process operations (流程运维): the list of cases by engine state, and the controls posted from a case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from processes.models import InstanceStatus, ProcessDefinition, ProcessInstance
from webapp.acting import acting_user
from webapp.listing import choice, district_options, paginate, search_text, text_or_id
from webapp.refusals import attempt
from webapp.workflow.cases import visible_instances
from webapp.workflow.pages_cases import render_case
from webapp.workflow.visibility import instance_or_404

from .controls import CONTROLS, operate, require_operator

PAGE_SIZE = 20


def narrowed(rows: QuerySet[ProcessInstance], *, process: str = "", district: str = "", search: str = "",
             status: str = "") -> QuerySet[ProcessInstance]:
    """The cases of ``rows`` of one procedure, district, state, and matching a business key or case number (each
    only when given): the list page and the API narrow the same way."""
    if process:
        rows = rows.filter(process_key=process)
    if district:
        rows = rows.filter(district_code=district)
    if search:
        rows = rows.filter(text_or_id(search, "business_key"))
    if status:
        rows = rows.filter(status=status)
    return rows


@login_required
def instances(request: HttpRequest) -> HttpResponse:
    """Every case the administrator may see, by engine state: incidents (异常) with the failed element and message,
    suspended cases, the running ones; filters by state, procedure, district and business key or case number."""
    user = require_operator(acting_user(request), "查看流程运维")
    scoped = visible_instances(user)
    processes = list(
        ProcessDefinition.objects.order_by("key", "-version").values_list("key", "name").distinct()
    )
    names: dict[str, str] = {}
    for key, name in processes:
        names.setdefault(key, name or key)
    process = choice(request, "process", list(names))
    status = choice(request, "status", InstanceStatus.choices)
    districts = district_options(user, scoped, field="district_code")
    district = choice(request, "district", [d.code for d in districts])
    search = search_text(request)
    rows = narrowed(scoped, process=process, district=district, search=search)
    # the counts per state follow the other filters, so a click on a count narrows to those cases
    counted = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    counts = [(value, label, counted.get(value, 0)) for value, label in InstanceStatus.choices]
    if status:
        rows = rows.filter(status=status)
    rows = rows.select_related("definition", "initiator_org").order_by("-updated_at", "-id")
    page = paginate(request, rows, per_page=PAGE_SIZE,
                    filters={"q": search, "status": status, "process": process, "district": district})
    keep = request.GET.copy()
    keep.pop("status", None)
    keep.pop("page", None)
    return render(request, "operations/instances.html", {
        "page": page, "counts": counts, "status": status, "process": process, "processes": sorted(names.items()),
        "districts": districts, "district": district, "q": search, "keep": keep.urlencode(),
    })


@login_required
@require_POST
def control(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Run one control on the case with the reason typed; refused: the case page again with the message (400 no
    reason, 403 not an administrator, 409 the state does not allow it), nothing changed."""
    user = acting_user(request)
    if code not in CONTROLS:
        raise Http404("没有这项流程操作。")
    instance = instance_or_404(user, pk)
    label = CONTROLS[code].label

    def run() -> HttpResponse:
        done = operate(user, instance, code, request.POST.get("reason"))
        messages.success(request, f"已{label}流程，当前状态：{done.get_status_display()}。")
        return redirect("workflow:case", pk=pk)

    return attempt(request, run, lambda status: render_case(request, pk, status=status), lead=f"未能{label}流程：")
