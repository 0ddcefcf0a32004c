"""Per-request context that the audit trail stamps on every event: the request id, who is signed in (for
records written by signal handlers, which are not handed the acting user) and, for a job, which system actor runs
it (:func:`system_actor`)."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("jianguan_request_id", default=None)
_request: contextvars.ContextVar[Any] = contextvars.ContextVar("jianguan_request", default=None)
_system: contextvars.ContextVar[str] = contextvars.ContextVar("jianguan_system_actor", default="")


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


def current_system_actor() -> str:
    """The name of the job or outside system running now (:func:`system_actor`), or ``""``."""
    return _system.get()


def system_actor_username(name: str) -> str:
    """How a system actor reads in the trail's ``actor_username``: ``系统（超期督办扫描）``. Usernames may not hold
    full-width brackets (Django's username validator), so a system actor is not mistaken for a person."""
    return f"系统（{name}）"[:150]


@contextmanager
def system_actor(name: str) -> Iterator[str]:
    """Name the actor of what runs inside when no person acts: a scheduled job, a flow, a management command or an
    outside system's feed. Audit events recorded inside without a person as actor read
    ``系统（<name>）`` as ``actor_username``; the events of one run share a request id (a fresh one unless a request
    already bound one). The innermost name wins."""
    token = _system.set(name)
    try:
        if _request_id.get() is None:
            with request_context() as rid:
                yield rid
        else:
            yield _request_id.get() or ""
    finally:
        _system.reset(token)
