"""Case query and statistics (按批次、企业、区、状态、时间；各环节与结果统计；导出Excel) and case detail."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from openpyxl import Workbook

from domain.enterprises import selectors
from domain.enterprises.models import CaseState, SignOff
from security.audit import history_for
from webapp.acting import acting_user
from webapp.listing import choice, district_options, paginate, search_text
from webapp.spreadsheets import append_row

from .common import is_regulator, process_items

EXPORT_LIMIT = 5000


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    g = request.GET
    districts = district_options(user, selectors.cases_visible_to(user))
    batch, enterprise = search_text(request, "batch"), search_text(request, "enterprise")
    district = choice(request, "district", [d.code for d in districts])
    state = choice(request, "state", CaseState.choices)
    date_from, date_to = _date(g.get("from", "")), _date(g.get("to", ""))
    cases = selectors.search_cases(
        user,
        batch=batch,
        enterprise=enterprise,
        district=district,
        state=state,
        date_from=date_from,
        date_to=date_to,
    )
    filters = {"batch": batch, "enterprise": enterprise, "district": district, "state": state, "from": date_from,
               "to": date_to}
    if g.get("export") == "xlsx":
        return _export(cases)
    page = paginate(request, cases, filters=filters)
    return render(
        request,
        "enterprises/case_list.html",
        {
            "page": page,
            "stats": selectors.case_statistics(cases),
            "districts": districts,
            "states": CaseState.choices,
            "params": g,
            "query": page.query,
            "can_publish": is_regulator(request),
        },
    )


def _export(cases) -> HttpResponse:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "核查整改案件"
    append_row(ws,
        [
            "批次",
            "核查类型",
            "企业",
            "统一社会信用代码",
            "区",
            "证书",
            "核查发现",
            "整改期限",
            "退回次数",
            "状态",
            "纳入时间",
        ]
    )
    for c in cases[:EXPORT_LIMIT]:
        cred = c.qualification or c.licence
        append_row(ws,
            [
                c.batch.number,
                c.batch.get_kind_display(),
                c.enterprise.name,
                c.enterprise.credit_code,
                c.district.name,
                str(cred) if cred else "",
                "；".join(f["finding"] for f in c.findings),
                c.deadline,
                c.returns,
                c.get_state_display(),
                timezone.localtime(c.created_at).replace(tzinfo=None),
            ]
        )
    stats = wb.create_sheet("统计")
    append_row(stats, ["环节/结果", "数量"])
    for row in selectors.case_statistics(cases)["by_state"]:
        append_row(stats, [row["label"], row["count"]])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="dynamic-check-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = get_object_or_404(selectors.cases_visible_to(user), pk=pk)
    return render(
        request,
        "enterprises/case_detail.html",
        {
            "case": case,
            "notices": case.notices.all(),
            "submissions": case.submissions.prefetch_related("evidence"),
            "signoffs": SignOff.objects.filter(case_type="check", case_id=case.pk).select_related("user"),
            "items": process_items(case.process_instance_id, user),
            "audit": history_for(case),
        },
    )
