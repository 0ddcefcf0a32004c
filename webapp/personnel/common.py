"""Shared helpers of the personnel pages: who may act on a certificate, and domain errors as 4xx pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.errors import PermissionDeniedError
from domain.organisations.roles import ENTERPRISE_ROLES, REGULATOR_ROLES, Role
from domain.personnel.models import SafetyCertificate
from webapp.refusals import refusal_message, refusal_status


def render_error(request: HttpRequest, template: str, context: dict[str, Any], exc: Exception) -> HttpResponse:
    """The page again with the refusal's message and its 4xx (``webapp.refusals``)."""
    return render(request, template, {**context, "error": refusal_message(exc)}, status=refusal_status(exc))


def is_holder(user: Any, cert: SafetyCertificate) -> bool:
    return cert.person.user_id is not None and cert.person.user_id == user.pk


def is_employer_staff(user: Any, cert: SafetyCertificate) -> bool:
    return user.organisation_id == cert.employer_id and user.has_role(*ENTERPRISE_ROLES)


def is_regulator(user: Any) -> bool:
    return bool(user.organisation and user.organisation.is_regulator and user.has_role(*REGULATOR_ROLES)) or user.is_sysadmin


def is_officer(user: Any) -> bool:
    return is_regulator(user) and (user.has_role(Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER) or user.is_sysadmin)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDeniedError(message)
