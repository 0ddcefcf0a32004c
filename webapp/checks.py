"""Start-up checks for a production run (not demo, debug or test): no demo account may keep its demo password, no
external system may be left on its in-process simulator, and the platform should be served over HTTPS."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError


@register("jianguan")
def demo_passwords_refused(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEMO or settings.TESTING:
        return []
    from domain.organisations.demo import DEMO_PASSWORD
    from domain.organisations.models import User
    from webapp.demo import demo_usernames

    try:
        users = list(User.objects.filter(username__in=demo_usernames(), is_active=True))
    except DatabaseError:
        return []  # not migrated yet: nothing to check
    weak = [u.username for u in users if u.check_password(DEMO_PASSWORD)]
    if not weak:
        return []
    return [
        Error(
            "生产模式下仍有账户使用演示密码：" + "、".join(sorted(weak)),
            hint="请为这些账户修改密码或停用它们，或以演示模式（DEMO=1）运行。",
            id="jianguan.E001",
        )
    ]


# the settings naming an external system; "local" is the in-process simulator that speaks its contract
EXTERNAL_SYSTEMS = {
    "SMS_GATEWAY_URL": "短信网关",
    "NATIONAL_PLATFORM_URL": "全国工程质量安全监管平台",
    "FINANCE_CLOUD_URL": "财政云",
    "YIWANGTONGBAN_URL": "一网通办统一身份认证",
}


def _production() -> bool:
    return not (settings.DEMO or settings.TESTING or settings.DEBUG)


@register("jianguan")
def simulators_refused(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A simulator answers as the real system would (a machine "verified", a national code issued, an SMS
    "delivered") without anything leaving the platform: in production that would be silent fiction."""
    if not _production():
        return []
    local = [f"{label}（{name}）" for name, label in EXTERNAL_SYSTEMS.items() if getattr(settings, name, "") == "local"]
    if not local:
        return []
    return [
        Error(
            "生产模式下以下外部系统仍在使用内置模拟器：" + "、".join(local),
            hint="请在环境变量中设置这些系统的真实接口地址，或以演示模式（DEMO=1）运行。",
            id="jianguan.E002",
        )
    ]


@register("jianguan")
def https_recommended(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    if not _production() or getattr(settings, "SESSION_COOKIE_SECURE", False):
        return []
    return [
        CheckWarning(
            "生产模式下未声明 HTTPS：登录会话 Cookie 可能以明文传输。",
            hint="通过 HTTPS 提供服务并设置环境变量 HTTPS=1（启用安全 Cookie、HSTS，并信任代理的 X-Forwarded-Proto）。",
            id="jianguan.W002",
        )
    ]
