"""Start-up checks. Outside demo mode the platform refuses to run while a demo account keeps its demo password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
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
