"""Public pages (no login): review-opinion notices (审查意见公示) and result announcements (结果公告)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from domain.personnel import selectors
from domain.personnel.models import PublicNotice
from webapp.listing import choice, paginate, search_text


def notices(request: HttpRequest) -> HttpResponse:
    """公示公告, newest first; by kind, searchable by title and text (a name or a certificate number)."""
    kind = choice(request, "kind", PublicNotice.Kind.choices)
    q = search_text(request)
    rows = selectors.public_notices(kind=kind)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(body__icontains=q))
    page = paginate(request, rows, filters={"q": q, "kind": kind})
    return render(request, "personnel/notices.html", {"page": page, "kind": kind, "q": q,
                                                      "kinds": PublicNotice.Kind.choices, "today": timezone.localdate()})
