"""Pages: project query with the decoration flag (M22), site detail with draw history, draws and their public
verification (M18/M19)."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from domain.errors import PermissionDeniedError
from domain.organisations.models import District
from domain.organisations.roles import Role
from domain.organisations.scoping import scope_of
from domain.sites import draw, selectors, services
from domain.sites.models import DrawRound, DrawRoundState, SiteState
from security.audit import history_for
from webapp.acting import acting_user
from webapp.listing import choice, district_options, paginate, search_text
from webapp.refusals import attempt

from .api import start_draw


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    districts = district_options(user, selectors.sites_visible_to(user))
    filters = {
        "q": search_text(request),
        "district": choice(request, "district", [d.code for d in districts]),
        "general_decoration": choice(request, "general_decoration", ("1", "0")),
        "drawn": choice(request, "drawn", ("1", "0")),
        "state": choice(request, "state", SiteState.choices),
    }
    qs = selectors.search_sites(
        user,
        text=filters["q"],
        district=filters["district"],
        general_decoration=None if filters["general_decoration"] == "" else filters["general_decoration"] == "1",
        drawn=None if filters["drawn"] == "" else filters["drawn"] == "1",
        state=filters["state"],
    )
    return render(
        request,
        "sites/site_list.html",
        {"page": paginate(request, qs, filters=filters), "districts": districts, "states": SiteState.choices,
         "params": filters},
    )


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(selectors.sites_visible_to(acting_user(request)), pk=pk)
    rounds = selectors.draw_history(site)
    number = site.permit.permit_number
    history = [{"round": r, "drawn": number in (r.selected or [])} for r in rounds]
    from django.contrib.contenttypes.models import ContentType

    from processes.models import ProcessInstance

    cases = ProcessInstance.objects.filter(
        subject_type=ContentType.objects.get_for_model(site), subject_id=str(site.pk)
    ).order_by("-id")
    return render(
        request,
        "sites/site_detail.html",
        {
            "cases": cases,
            "site": site,
            "permit": site.permit,
            "draws": history,
            "sms": site.sms_notices.select_related("draw_round").all(),
            "team": site.supervision_team.all(),
            "machines": site.permit.machine_installations.select_related("machine__owner").order_by("-id"),
            "audit": history_for(site),
        },
    )


@login_required
def draw_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    scope = scope_of(user)
    can_start = user.has_role(Role.CASE_OFFICER) or user.is_sysadmin
    districts = District.objects.all() if scope.kind == "all" else District.objects.filter(pk=scope.district_code)
    all_districts = list(District.objects.all())
    district_codes = [d.code for d in all_districts]

    def page(status: int) -> HttpResponse:
        # draw records are public: everyone may filter them by any district
        filters = {"q": search_text(request), "district": choice(request, "district", district_codes)}
        rounds = selectors.draw_rounds_visible_to(user)
        if filters["q"]:
            rounds = rounds.filter(round_key__icontains=filters["q"])
        if filters["district"]:
            rounds = rounds.filter(district_id=filters["district"])
        return render(
            request,
            "sites/draw_list.html",
            {
                "page": paginate(request, rounds, filters=filters),
                "params": filters,
                "all_districts": all_districts,
                "districts": districts,
                "can_start": can_start,
                "default_round": timezone.localdate().strftime("%Y-%m"),
            },
            status=status,
        )

    if request.method != "POST":
        return page(200)

    def run() -> HttpResponse:  # refused: the list again with the message and a 4xx, nothing drawn
        if not can_start:
            raise PermissionDeniedError("只有经办人可以发起随机抽查。")
        record, created = start_draw(
            user,
            district_code=request.POST.get("district_code", ""),
            round_key=request.POST.get("round_key", "").strip(),
            proportion=request.POST.get("proportion", "").strip() or None,
        )
        messages.success(request, "已完成抽查并公开结果。" if created else "该轮次已抽查过，以下为已公开的结果。")
        return redirect("sites:draw", pk=record.pk)

    return attempt(request, run, page, lead="未能发起抽查：")


def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public (no login): commitment, population, seed and result, and an in-browser re-verification."""
    record = get_object_or_404(DrawRound.objects.select_related("district"), pk=pk)
    revealed = record.state == DrawRoundState.COMPLETED
    verification = draw.verify_record(services.public_record(record)) if revealed else None
    from domain.organisations.models import User

    names = {p["permit_number"]: p.get("name", "") for p in record.population}
    people = {u.username: u.display_name for u in User.objects.filter(username__in=record.inspector_pool)}
    selected = [
        {"permit_number": n, "name": names.get(n, ""),
         "inspectors": [people.get(i, i) for i in record.assignments.get(n, [])]}
        for n in (record.selected or [])
    ]
    return render(
        request,
        "sites/draw_detail.html",
        {"record": record, "revealed": revealed, "verification": verification, "selected": selected},
    )


def draw_record_json(request: HttpRequest, pk: int) -> JsonResponse:
    record = get_object_or_404(DrawRound, pk=pk)
    response = JsonResponse(services.public_record(record), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="draw-{record.district_id}-{record.round_key}.json"'
    return response


def draw_verifier_source(request: HttpRequest) -> FileResponse:
    """The verification program itself (standard library only): ``python draw.py record.json``."""
    path = Path(draw.__file__)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename="draw.py", content_type="text/x-python")


def verify_upload(request: HttpRequest) -> HttpResponse:
    """Anyone may upload a published record and have it re-run here."""
    result, status = None, 200
    if request.method == "POST":
        upload = request.FILES.get("record")
        if upload is None:
            result, status = (False, "请选择要验证的抽查记录文件（JSON）。"), 400
        else:
            try:
                result = draw.verify_record(json.loads(upload.read().decode("utf-8")))
            except (ValueError, LookupError, TypeError, AttributeError, ArithmeticError, RecursionError):
                # not a record as published (not JSON, nested past reading, a field missing or of the wrong kind, a
                # proportion that is no number): bad input, not a 500
                result = (False, "文件无法验证：不是本平台公布的抽查记录，请上传抽查结果页面提供下载的 JSON 记录文件。")
                status = 400
    return render(request, "sites/verify.html", {"result": result}, status=status)
