from domain.organisations.roles import ENTERPRISE_ROLES, REGULATOR_ROLES, Role
from webapp.nav import NavItem

_WORKERS = frozenset({*REGULATOR_ROLES, *ENTERPRISE_ROLES, Role.APPLICANT})
_APPLICANTS = frozenset({*ENTERPRISE_ROLES, Role.APPLICANT})

ITEMS = [
    NavItem("我的待办", "workflow:inbox", roles=_WORKERS, order=10, icon="inbox"),
    NavItem("我的申请", "workflow:applications", roles=_APPLICANTS, order=11, icon="folder2-open"),
    NavItem("发起申请", "workflow:start-list", roles=_APPLICANTS, order=12, icon="send"),
]
