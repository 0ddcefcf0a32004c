"""The sign-in log (登录日志) in the audit chain: every login, logout and failed login, with the client address.

Fed by Django's auth signals, so the web login, the admin and the 一网通办 single sign-on all record alike. A failed
login names the account it was for; a username no account has is kept masked (it may be a password typed into the
wrong box), as the lockout records do (``throttle.account_named``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import audit
from .throttle import account_named, client_ip


def _via(request: Any) -> str:
    return str(getattr(request, "path", "") or "")[:200]


def on_logged_in(sender: Any, request: Any, user: Any, **kw: Any) -> None:
    with transaction.atomic():
        audit.record(action="security.login", actor=user, subject=user, summary="登录",
                     data={"ip": client_ip(request), "path": _via(request)})


def on_logged_out(sender: Any, request: Any, user: Any, **kw: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return  # the session had already ended
    with transaction.atomic():
        audit.record(action="security.logout", actor=user, subject=user, summary="退出登录",
                     data={"ip": client_ip(request)})


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    account, who = account_named(str(credentials.get("username", ""))[:150])
    if account is not None:
        who = account.get_username()
    with transaction.atomic():
        audit.record(action="security.login_failed", subject=account, summary=f"登录失败：账户 {who}",
                     data={"username": who, "known_account": account is not None, "ip": client_ip(request),
                           "path": _via(request)})
