from domain.organisations.roles import Role
from webapp.nav import NavItem

ITEMS = [NavItem("驾驶舱", "cockpit", roles=frozenset({Role.LEADER, Role.SYSADMIN}), order=90, icon="speedometer2")]
