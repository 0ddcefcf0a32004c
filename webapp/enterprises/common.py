"""Helpers shared by the enterprises pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.errors import DomainError
from domain.organisations.roles import Role
from webapp.acting import acting_user


def is_regulator(request: HttpRequest) -> bool:
    user = acting_user(request)
    org = user.organisation
    return bool(user.is_superuser or user.has_role(Role.LEADER) or (org is not None and org.is_regulator))


def refused(request: HttpRequest, exc: DomainError, template: str, context: dict[str, Any]) -> HttpResponse:
    """Re-render the page with the domain's message and its 4xx status (nothing was saved)."""
    context = {**context, "error": exc.message, "field_errors": exc.extra.get("errors", {})}
    return render(request, template, context, status=exc.status_code)


def process_items(instance_id: int | None, user: Any) -> list[Any]:
    """The open work items of a case that ``user`` may see (links to the inbox task pages)."""
    if instance_id is None:
        return []
    from tasks.selectors import visible_items

    return list(visible_items(user).filter(instance_id=instance_id, status__in=["open", "claimed"]))


def document_links(ids: list[int | None]) -> dict[int, str]:
    """``{document id: verification code}`` for links to the documents' verify/download pages."""
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    from documents.models import Document

    return dict(Document.objects.filter(pk__in=wanted).values_list("pk", "verification_code"))
