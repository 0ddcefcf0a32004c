"""Pages: the decision tables (list), one table rendered readably, and testing it with inputs (试算)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from decisions import api, calendar
from decisions.engine.feel_values import describe
from webapp.listing import search_text

from .access import can_test, can_view, is_admin
from .forms import fields_for, parse_inputs


def _require_view(request: HttpRequest) -> None:
    if not can_view(request.user):
        raise PermissionDenied("只有监管部门工作人员和系统管理员可以查看决策表。")


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    q = search_text(request)
    tables = api.list_decisions()
    if q:
        tables = [t for t in tables if q.lower() in t.id.lower() or q in (t.name or "")]
    registry = api.default_registry()
    this_year = dt.date.today().year  # noqa: DTZ011 - calendar years
    uncovered = [y for y in (this_year, this_year + 1) if not calendar.is_covered(y)]
    return render(
        request,
        "decisions/list.html",
        {
            "tables": tables,
            "q": q,
            "errors": registry.errors if is_admin(request.user) else {},
            "uncovered": uncovered,
            "is_admin": is_admin(request.user),
        },
    )


def _cell(text: str) -> str:
    return "任意" if text.strip() in ("", "-") else text


@login_required
def decision_detail(request: HttpRequest, key: str) -> HttpResponse:
    _require_view(request)
    if not api.decision_exists(key):
        raise Http404("未找到该决策表。")
    table = api.get_table(key)
    fields = fields_for(table)
    result: api.DecisionResult | None = None
    error = ""
    status = 200
    if request.method == "POST":
        if not can_test(request.user):
            raise PermissionDenied("您没有试算决策表的权限。")
        try:
            result = api.evaluate(key, parse_inputs(fields, request.POST))
        except api.DecisionError as exc:
            error, status = exc.message, 400
    matched = {m["index"] for m in result.matched} if result else set()
    rows = [
        {
            "rule": r,
            "inputs": [_cell(t) for t in r.input_texts],
            "outputs": r.output_texts,
            "hit": r.index in matched,
        }
        for r in table.rules
    ]
    outputs = []
    if result is not None:
        raw = result.outputs if isinstance(result.outputs, list) else [result.outputs]
        outputs = [[(result.output_labels.get(k, k), describe(v)) for k, v in row.items()] for row in raw]
    context: dict[str, Any] = {
        "table": table,
        "rows": rows,
        "fields": fields,
        "result": result,
        "outputs": outputs,
        "error": error,
        "may_test": can_test(request.user),
        "required": [api.get_table(r) for r in table.required if api.decision_exists(r)],
    }
    return render(request, "decisions/detail.html", context, status=status)
