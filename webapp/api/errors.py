"""One error shape for the whole API: ``{"detail": "...", "errors": {field: [messages]}}`` with a 4xx status.

Domain errors (invalid transitions, validation, conflicts, permission) become 4xx here, never 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from domain.errors import ConflictError, DomainError, NotVisibleError


def _validation_payload(exc: DjangoValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
        return {"detail": "提交的数据有误，请按提示修改。", "errors": errors}
    return {"detail": "；".join(str(m) for m in exc.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        return Response(_validation_payload(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotVisibleError):
        return Response({"detail": str(exc) or "未找到。"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, ConflictError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc), **exc.extra}, status=exc.status_code)
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "您没有执行该操作的权限。"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Http404):
        return Response({"detail": "未找到。"}, status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": "提交的数据有误，请按提示修改。", "errors": response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": "；".join(str(x) for x in response.data)}
    return response
