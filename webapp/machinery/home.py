"""Home-page cards: machines the user may see, and for lessors a shortcut to filing."""

from __future__ import annotations

from typing import Any

from domain.machinery import selectors
from domain.organisations.scoping import scope_of
from webapp.portal.home import HomeCard


def cards(user: Any) -> list[HomeCard]:
    if scope_of(user).kind == "none":
        return []
    count = selectors.machines_visible_to(user).count()
    return [
        HomeCard(
            title="建筑起重机械",
            body="产权备案、安装告知、使用登记、拆卸告知",
            url="/machinery/",
            icon="truck-flatbed",
            order=65,
            count=count,
        )
    ]
