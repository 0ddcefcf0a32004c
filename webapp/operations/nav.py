from domain.organisations.roles import Role
from webapp.nav import NavItem

ITEMS = [
    NavItem("流程运维", "operations:instances", roles=frozenset({Role.SYSADMIN}), order=85, icon="gear-wide-connected"),
    NavItem("流程版本", "operations:definitions", roles=frozenset({Role.SYSADMIN}), order=86, icon="diagram-3"),
    NavItem("定时与消息", "operations:timers", roles=frozenset({Role.SYSADMIN}), order=87, icon="alarm"),
    NavItem("外发消息", "operations:outbox", roles=frozenset({Role.SYSADMIN}), order=88, icon="send"),
]
