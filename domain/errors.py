"""Typed domain errors. The web layer maps them to 4xx responses with the message shown to the person."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the operation (HTTP 400 unless a subclass says otherwise)."""

    status_code = 400

    def __init__(self, message: str, **extra: Any):
        super().__init__(message)
        self.message = message
        self.extra = extra


class ProcedureError(DomainError):
    """The procedure cannot take this step now (wrong state, missing prerequisite)."""


class TransitionNotAllowed(ProcedureError):
    """An entity state transition was refused by its guards (409)."""

    status_code = 409


class PermissionDeniedError(DomainError):
    """The acting user may not do this (403)."""

    status_code = 403


class NotVisibleError(DomainError):
    """The object does not exist or the acting user may not see it (404)."""

    status_code = 404


class ConflictError(DomainError):
    """Someone else changed or claimed it first (409)."""

    status_code = 409
