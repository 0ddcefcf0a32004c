"""Per-request context that the audit trail stamps on every event: the request id, and who is signed in (for
records written by signal handlers, which are not handed the acting user)."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("jianguan_request_id", default=None)
_request: contextvars.ContextVar[Any] = contextvars.ContextVar("jianguan_request", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def current_user() -> Any:
    """The signed-in user of the request being served, or ``None`` (jobs, flows, commands, anonymous)."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


@contextmanager
def request_context(request_id: str | None = None, *, request: Any = None) -> Iterator[str]:
    """Bind a request id (and the request, for :func:`current_user`) for the duration of a request, job or flow
    run."""
    rid = request_id or uuid.uuid4().hex
    token = _request_id.set(rid)
    request_token = _request.set(request)
    try:
        yield rid
    finally:
        _request.reset(request_token)
        _request_id.reset(token)
