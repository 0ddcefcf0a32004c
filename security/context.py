"""Per-request context (request id) that the audit trail stamps on every event."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("jianguan_request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


@contextmanager
def request_context(request_id: str | None = None) -> Iterator[str]:
    """Bind a request id for the duration of a request, job or flow run."""
    rid = request_id or uuid.uuid4().hex
    token = _request_id.set(rid)
    try:
        yield rid
    finally:
        _request_id.reset(token)
