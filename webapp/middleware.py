"""Request-scoped context (a request id for the audit trail and the response header) and input hygiene."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from security.context import request_context

_SAFE_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        with request_context(incoming if _SAFE_ID.match(incoming) else None, request=request) as rid:
            request.request_id = rid  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


class RejectNulMiddleware:
    """A NUL character in a query parameter, a form field or a JSON body is refused with a 400: no text column of
    PostgreSQL can hold one, so it would otherwise reach the database as an error (a 500) from whichever filter or
    form took it."""

    MESSAGE = "请求中含有非法字符（NUL），请检查输入后重试。"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.MESSAGE}, status=400)
            return HttpResponse(self.MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        def nul_in(query: Any) -> bool:
            return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())

        if nul_in(request.GET):
            return True
        if request.method not in ("POST", "PUT", "PATCH"):
            return False
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            return nul_in(request.POST)
        if content_type.startswith("application/json"):
            return b"\\u0000" in request.body.lower()  # the JSON escape of NUL
        return False
