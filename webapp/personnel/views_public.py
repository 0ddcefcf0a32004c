"""Public pages (no login): review-opinion notices (审查意见公示) and result announcements (结果公告)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from domain.personnel import selectors
from domain.personnel.models import PublicNotice


def notices(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    page = Paginator(selectors.public_notices(kind=kind), 20).get_page(request.GET.get("page"))
    return render(request, "personnel/notices.html", {"page": page, "kind": kind, "kinds": PublicNotice.Kind.choices,
                                                      "today": timezone.localdate()})
