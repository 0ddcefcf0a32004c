from __future__ import annotations

from typing import Any

from webapp.portal.home import HomeCard


def cards(user: Any) -> list[HomeCard]:
    from domain.contracts import selectors

    if not getattr(user, "is_authenticated", False):
        return []
    mine = selectors.contracts_visible_to(user)
    waiting = mine.exclude(state__in=("announced", "changed", "settled")).count()
    return [HomeCard("建设工程合同", f"网签、公示、支付与结算。进行中的合同 {waiting} 份。", "/contracts/",
                     icon="file-earmark-text", order=40, count=waiting)]
