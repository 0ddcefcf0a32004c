from domain.organisations.roles import Role
from webapp.nav import NavItem

from .access import VIEW_ROLES

ITEMS = [
    NavItem(
        "决策表", "decisions:list", roles=frozenset({*VIEW_ROLES, Role.SYSADMIN}), order=80, icon="table"
    ),
]
