from domain.organisations.roles import Role
from webapp.nav import NavItem

ITEMS = [
    NavItem("合同管理", "contracts:list", roles=frozenset(), order=40, icon="file-earmark-text"),
    NavItem("合同监管", "contracts:officer",
            roles=frozenset({Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER, Role.LEADER, Role.SYSADMIN}),
            order=41, icon="shield-check"),
    NavItem("合同公示", "contracts:notices", order=42, icon="megaphone", public=True),
    NavItem("合同公告", "contracts:announcements", order=43, icon="search", public=True),
]
