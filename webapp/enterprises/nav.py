from domain.organisations.roles import Role
from webapp.nav import NavItem

REGULATORS = frozenset(
    {
        Role.CASE_OFFICER,
        Role.REVIEWER,
        Role.APPROVER,
        Role.LEGAL_REVIEWER,
        Role.INSPECTOR,
        Role.LEADER,
        Role.SYSADMIN,
    }
)

ITEMS = [
    NavItem("资质与安许核查", "enterprises:cases", roles=REGULATORS, order=70, icon="patch-check"),
    NavItem("核查批次", "enterprises:batches", roles=REGULATORS, order=71, icon="collection"),
    NavItem("撤销/撤回", "enterprises:revocations", roles=REGULATORS, order=72, icon="x-octagon"),
    NavItem(
        "我的监管文书",
        "enterprises:notices",
        roles=frozenset({Role.ENTERPRISE_OPERATOR, Role.ENTERPRISE_LEGAL}),
        order=70,
        icon="envelope-paper",
    ),
    NavItem(
        "公告送达", "enterprises:public-notices", roles=frozenset(), order=95, icon="megaphone", public=True
    ),
]
