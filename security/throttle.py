"""Login throttling (登录失败处理): after repeated failures an account (and, at a higher count, a client
address) is locked for a while. Counted from Django's ``user_login_failed`` signal, so the web login, the
admin and the token endpoint all feed it; enforced by :class:`security.auth.ThrottledModelBackend` and shown to
the person by :func:`lockout_message`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import LoginThrottle


def _limits() -> tuple[int, int, timedelta]:
    user_limit = getattr(settings, "LOGIN_FAILURE_LIMIT", 5)
    ip_limit = getattr(settings, "LOGIN_FAILURE_IP_LIMIT", 20)
    lockout = timedelta(seconds=getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60))
    return user_limit, ip_limit, lockout


def client_ip(request: Any) -> str:
    return (getattr(request, "META", None) or {}).get("REMOTE_ADDR", "") if request is not None else ""


def _keys(username: str, request: Any) -> list[tuple[str, int]]:
    user_limit, ip_limit, _ = _limits()
    keys = [(f"user:{username.strip().lower()}", user_limit)] if username else []
    ip = client_ip(request)
    if ip:
        keys.append((f"ip:{ip}", ip_limit))
    return keys


def locked_until(username: str, request: Any = None) -> Any:
    """When the lock on this username / client ends, or ``None`` when login may be tried."""
    now = timezone.now()
    keys = [k for k, _ in _keys(username, request)]
    until = (
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


def lockout_message(username: str, request: Any = None) -> str:
    """A message for the person when locked, else ``""``."""
    until = locked_until(username, request)
    if until is None:
        return ""
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    return f"登录失败次数过多，账户已临时锁定，请 {minutes} 分钟后再试，或联系系统管理员。"


def register_failure(username: str, request: Any = None) -> None:
    _, _, lockout = _limits()
    now = timezone.now()
    with transaction.atomic():
        # forget stale counters (guessed usernames must not pile up)
        LoginThrottle.objects.filter(window_started_at__lt=now - 2 * lockout).exclude(locked_until__gt=now).delete()
        for key, limit in _keys(username, request):
            LoginThrottle.objects.get_or_create(key=key)
            row = LoginThrottle.objects.select_for_update().get(key=key)
            if row.locked_until and row.locked_until > now:
                continue  # already locked: do not extend
            if now - row.window_started_at > lockout:
                row.failures, row.window_started_at = 0, now
            row.failures += 1
            if row.failures >= limit:
                row.locked_until, row.failures, row.window_started_at = now + lockout, 0, now
                _record_lock(row, limit)
            row.save()


def account_named(name: str) -> tuple[Any, str]:
    """The account a typed login name is for (or ``None``) and how the trail may write the name: as typed when an
    account has it, masked when none does (it may be a password typed into the wrong box)."""
    from django.contrib.auth import get_user_model

    from .fields import mask

    account = get_user_model().objects.filter(username__iexact=name).first() if name else None
    return account, name if account is not None else mask(name, 1, 1)


def describe(row: LoginThrottle) -> tuple[Any, str, str]:
    """``(subject, key, who)`` for the trail: the account a ``user:`` row locks (or the row of an address), the key
    and a Chinese label (a username no account has masked, :func:`account_named`)."""
    if not row.key.startswith("user:"):
        return row, row.key, f"来源地址 {row.key[3:]}"
    account, name = account_named(row.key[5:])
    return account, f"user:{name}", f"账户 {name}"


def _record_lock(row: LoginThrottle, limit: int) -> None:
    from . import audit

    subject, key, who = describe(row)
    audit.record(
        action="security.login_locked",
        subject=subject,
        summary=f"连续 {limit} 次登录失败，{who} 锁定至 {timezone.localtime(row.locked_until):%Y-%m-%d %H:%M}",
        data={"key": key, "failures": limit, "locked_until": row.locked_until},
    )


def register_success(username: str) -> None:
    LoginThrottle.objects.filter(key=f"user:{username.strip().lower()}").delete()


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    register_failure(str(credentials.get("username", "")), request)


def on_logged_in(sender: Any, request: Any, user: Any, **kw: Any) -> None:
    register_success(user.get_username())
