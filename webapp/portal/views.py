from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from domain.organisations.roles import Role
from domain.organisations.scoping import scope_of
from security.models import AuditEvent
from webapp.acting import acting_user

from .home import cards_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    roles = [Role(r).label for r in sorted(user.role_codes()) if r in Role.values]
    recent = AuditEvent.objects.filter(actor=user).order_by("-id")[:8]
    return render(
        request,
        "portal/home.html",
        {"cards": cards_for(user), "roles": roles, "scope": scope_of(user), "recent": recent},
    )


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
