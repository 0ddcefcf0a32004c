from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.organisations.roles import Role
from webapp.acting import acting_user

from .panels import panels_for


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not (user.has_role(Role.LEADER, Role.SYSADMIN) or user.is_superuser or (user.organisation and user.organisation.is_regulator)):
        raise PermissionDenied("驾驶舱仅对主管部门开放。")
    panels = [p.as_dict() for p in panels_for(user)]
    return render(request, "cockpit/cockpit.html", {"panels": panels})
