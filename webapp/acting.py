"""Typed access to the authenticated user of a request (views behind ``login_required`` / ``IsAuthenticated``)."""

from __future__ import annotations

from typing import Any, cast

from domain.organisations.models import User


def acting_user(request: Any) -> User:
    return cast(User, request.user)
