"""Authentication backend that refuses any attempt while the account or client is locked (登录失败锁定)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .throttle import lockout_message


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any) -> Any:
        message = lockout_message(username or kwargs.get("username", "") or "", request)
        if message:
            raise PermissionDenied(message)
        return super().authenticate(request, username=username, password=password, **kwargs)
