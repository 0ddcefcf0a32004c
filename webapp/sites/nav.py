from domain.organisations.roles import Role
from webapp.nav import NavItem

ITEMS = [
    NavItem("工地与项目", "sites:list", roles=frozenset(), order=60, icon="cone-striped"),
    NavItem(
        "随机抽查",
        "sites:draws",
        roles=frozenset({Role.CASE_OFFICER, Role.INSPECTOR, Role.REVIEWER, Role.APPROVER, Role.LEADER, Role.SYSADMIN}),
        order=61,
        icon="shuffle",
    ),
]
