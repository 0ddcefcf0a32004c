"""Home-page card: how many work items wait, and how many are overdue (待办概况)."""

from __future__ import annotations

from typing import Any

from tasks.selectors import counts_for
from webapp.portal.home import HomeCard


def cards(user: Any) -> list[HomeCard]:
    counts = counts_for(user)
    if not (counts["mine"] or counts["available"]):
        return []
    body = f"我的待办 {counts['mine']} 件，待认领 {counts['available']} 件"
    if counts["overdue"]:
        body += f"，其中已超期 {counts['overdue']} 件，请尽快办理"
    elif counts["due_soon"]:
        body += f"，其中 {counts['due_soon']} 件三天内到期"
    tab = "overdue" if counts["overdue"] else "mine" if counts["mine"] else "available"
    return [
        HomeCard(
            "待办概况",
            body + "。",
            f"/tasks/?tab={tab}",
            "去办理",
            "exclamation-triangle" if counts["overdue"] else "list-check",
            order=5,
            count=counts["mine"] + counts["available"],
        )
    ]
