"""Home page cards per role. Each page area may contribute cards from ``webapp/<area>/home.py`` (``cards(user)``)."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class HomeCard:
    title: str
    body: str
    url: str = ""
    link_label: str = "进入"
    icon: str = "box"
    order: int = 100
    count: int | None = None


def cards_for(user: Any) -> list[HomeCard]:
    cards: list[HomeCard] = []
    root = Path(__file__).parent.parent
    for mod in pkgutil.iter_modules([str(root)]):
        if not mod.ispkg:
            continue
        try:
            home = importlib.import_module(f"webapp.{mod.name}.home")
        except ModuleNotFoundError as exc:
            if exc.name != f"webapp.{mod.name}.home":
                raise
            continue
        provider = getattr(home, "cards", None)
        if provider is not None:
            cards.extend(provider(user))
    return sorted(cards, key=lambda c: (c.order, c.title))


def cards(user: Any) -> list[HomeCard]:
    """The role-based starting points every user gets; modules add their own cards beside these."""
    from domain.organisations.roles import Role

    out: list[HomeCard] = []
    if user.has_role(Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.INSPECTOR):
        out.append(HomeCard("我的待办", "需要您处理的审查、审核、审批事项。", "/tasks/", "打开待办", "inbox", 10))
    if user.has_role(Role.ENTERPRISE_OPERATOR, Role.ENTERPRISE_LEGAL, Role.APPLICANT, Role.SUPERVISING_ENGINEER):
        out.append(HomeCard("我的申请", "本单位提交的申请及办理进度。", "/my/applications/", "查看申请", "folder2-open", 10))
    if user.has_role(Role.LEADER):
        out.append(HomeCard("驾驶舱", "全市建设市场运行概况。", "/cockpit/", "打开驾驶舱", "speedometer2", 10))
    if user.is_sysadmin:
        out.append(HomeCard("系统管理", "组织机构、用户与角色、审计记录。", "/admin/", "进入后台", "gear", 90))
    return out
