"""Refused actions on the HTML pages: bad input gets a clear error and loses nothing.

A page's POST that the domain refuses answers with the page the person came from, drawn again with the message and
an HTTP status that says what happened, its transaction rolled back; a success keeps redirecting (post/redirect/get).
The statuses are the API's (``webapp/api/errors.py``): the domain error's own (``domain/errors.py``: 400 invalid,
403 not allowed, 404 not visible, 409 the state moved on), 400 for a Django or DRF validation error, 403 for
``PermissionDenied``. Anything else is a bug and stays a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import ValidationError as DrfValidationError

from domain.errors import DomainError

REFUSALS: tuple[type[Exception], ...] = (DomainError, ValidationError, DrfValidationError, PermissionDenied)
"""What counts as a refusal of the person's input (not a bug)."""


def refusal_status(exc: Exception) -> int:
    """The 4xx that says what happened."""
    if isinstance(exc, DomainError):
        return exc.status_code
    if isinstance(exc, PermissionDenied):
        return 403
    return 400


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, (list, tuple)):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def refusal_message(exc: Exception) -> str:
    """The message a person can act on, whichever layer refused."""
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    if isinstance(exc, DrfValidationError):
        return "；".join(_flatten(exc.detail))
    if isinstance(exc, PermissionDenied):
        return str(exc) or "您没有执行该操作的权限。"
    return str(exc)


def attempt(request: HttpRequest, action: Callable[[], HttpResponse], page: Callable[[int], HttpResponse], *,
            lead: str = "") -> HttpResponse:
    """Run a POST's ``action`` in one transaction and answer with its response (a redirect). A refusal rolls the
    transaction back, puts its message (after ``lead``) on the page — the messages framework, shown by
    ``base.html`` — and answers ``page(status)``: the page drawn again, after the rollback, with the refusal's 4xx."""
    try:
        with transaction.atomic():
            return action()
    except REFUSALS as exc:
        messages.error(request, lead + refusal_message(exc))
        return page(refusal_status(exc))
