from domain.organisations.roles import Role
from webapp.nav import NavItem

_REGULATORS = frozenset({Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER, Role.LEADER, Role.SYSADMIN})

ITEMS = [
    NavItem("安管人员", "personnel:home", roles=frozenset(), order=40, icon="person-badge"),
    NavItem("证书查询", "personnel:query", roles=_REGULATORS | {Role.ENTERPRISE_OPERATOR, Role.ENTERPRISE_LEGAL},
            order=41, icon="search"),
    NavItem("安管人员公示", "personnel:notices", order=44, icon="megaphone", public=True),
    NavItem("智能客服", "personnel:help", roles=frozenset(), order=90, icon="chat-dots"),
]
