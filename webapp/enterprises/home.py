"""Home-page cards: an enterprise's notices waiting for its receipt; a regulator's open check cases."""

from __future__ import annotations

from typing import Any

from domain.enterprises import selectors
from domain.enterprises.models import NoticeState
from domain.enterprises.models.checks import OPEN_CASE_STATES
from domain.organisations.scoping import scope_of
from webapp.portal.home import HomeCard


def cards(user: Any) -> list[HomeCard]:
    scope = scope_of(user)
    if scope.kind == "none":
        return []
    if scope.kind == "enterprise":
        pending = selectors.notices_visible_to(user).filter(state=NoticeState.ISSUED).count()
        return [
            HomeCard(
                title="监管文书",
                body="整改通知书、事先告知书、决定书的签收与办理",
                url="/enterprises/notices/",
                icon="envelope-paper",
                order=40,
                count=pending,
                link_label="查看并签收",
            )
        ]
    open_cases = selectors.cases_visible_to(user).filter(state__in=OPEN_CASE_STATES).count()
    return [
        HomeCard(
            title="资质与安许动态核查",
            body="核查批次、整改、撤销/撤回、暂扣",
            url="/enterprises/",
            icon="patch-check",
            order=70,
            count=open_cases,
        )
    ]
