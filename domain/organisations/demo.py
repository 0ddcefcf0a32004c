"""Demo directory: the city commission, three districts' authorities, enterprises and their people.

All demo accounts share the password ``jianguan-demo`` (see README); demo mode only."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import Group

from .credit_code import make_code
from .districts import ensure_reference_data
from .models import District, EnterpriseType, Organisation, OrganisationKind, User
from .roles import Role

DEMO_ORDER = 10

#: Password every demo account shares; a production start refuses to run while a demo account still has it.
DEMO_PASSWORD = "jianguan-demo"  # noqa: S105 - documented demo credential, refused outside DEMO mode

CITY = "上海市住房和城乡建设管理委员会"
REGULATORS = {
    "310115": "浦东新区建设和交通委员会",
    "310101": "黄浦区建设管理委员会",
    "310112": "闵行区建设和管理委员会",
}
AGENCY = "上海市建设工程安全质量监督总站"

ENTERPRISES = {
    # key: (name, type, district, credit-code prefix, legal representative)
    "contractor": ("上海浦江建设集团有限公司", EnterpriseType.CONTRACTOR, "310115", "91310115MA1K4A1B2", "王建国"),
    "employer": ("上海申城置业发展有限公司", EnterpriseType.EMPLOYER, "310101", "91310101MA1H0C3D4", "李明华"),
    "lessor": ("上海东起机械租赁有限公司", EnterpriseType.LESSOR, "310112", "91310112MA1G8E5F6", "张志强"),
    # a contractor in good standing (the demo's ent_contractor is under qualification rectification, which by law
    # bars it from new contracts while it lasts)
    "builder": ("上海长江建工集团有限公司", EnterpriseType.CONTRACTOR, "310115", "91310115MA1N6P7T8", "周长江"),
}

# username: (full name, organisation key, roles)
REGULATOR_USERS = {
    "officer_pd": ("陈晓东", "310115", [Role.CASE_OFFICER, Role.INSPECTOR]),
    "reviewer_pd": ("刘芳", "310115", [Role.REVIEWER]),
    "approver_pd": ("周海涛", "310115", [Role.APPROVER]),
    "officer_hp": ("赵敏", "310101", [Role.CASE_OFFICER, Role.INSPECTOR]),
    "reviewer_hp": ("孙磊", "310101", [Role.REVIEWER]),
    "approver_hp": ("钱丽", "310101", [Role.APPROVER]),
    "officer_mh": ("吴强", "310112", [Role.CASE_OFFICER, Role.INSPECTOR]),
    "reviewer_mh": ("郑洁", "310112", [Role.REVIEWER]),
    "approver_mh": ("冯刚", "310112", [Role.APPROVER]),
    "officer_city": ("黄伟", "city", [Role.CASE_OFFICER]),
    "reviewer_city": ("何静", "city", [Role.REVIEWER]),
    "approver_city": ("林涛", "city", [Role.APPROVER]),
    "legal_city": ("高雅", "city", [Role.LEGAL_REVIEWER]),
    "leader": ("罗振华", "city", [Role.LEADER]),
    "inspector_agency": ("许文", "agency", [Role.INSPECTOR]),
}
ENTERPRISE_USERS = {
    "ent_contractor": ("马超", "contractor", [Role.ENTERPRISE_OPERATOR]),
    "ent_contractor_legal": ("王建国", "contractor", [Role.ENTERPRISE_LEGAL]),
    "ent_employer": ("杨帆", "employer", [Role.ENTERPRISE_OPERATOR]),
    "ent_employer_legal": ("李明华", "employer", [Role.ENTERPRISE_LEGAL]),
    "ent_lessor": ("朱磊", "lessor", [Role.ENTERPRISE_OPERATOR]),
    "ent_lessor_legal": ("张志强", "lessor", [Role.ENTERPRISE_LEGAL]),
    "ent_builder": ("吴晓峰", "builder", [Role.ENTERPRISE_OPERATOR]),
    "ent_builder_legal": ("周长江", "builder", [Role.ENTERPRISE_LEGAL]),
}

DEMO_USERNAMES = ("admin", *REGULATOR_USERS, *ENTERPRISE_USERS)


def _user(username: str, full_name: str, org: Organisation | None, roles: list[Role]) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "organisation": org}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
    return user


def organisations() -> dict[str, Organisation]:
    """Create (or fetch) the demo organisations; keys: ``city``, ``agency``, district codes, enterprise keys."""
    ensure_reference_data()
    orgs: dict[str, Organisation] = {}
    orgs["city"], _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.REGULATOR, name=CITY, defaults={"credit_code": make_code("11310000002420176")}
    )
    orgs["agency"], _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.AGENCY, name=AGENCY, defaults={"parent": orgs["city"]}
    )
    for code, name in REGULATORS.items():
        orgs[code], _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.REGULATOR,
            name=name,
            defaults={"district": District.objects.get(pk=code), "parent": orgs["city"]},
        )
    for key, (name, etype, district, prefix, legal) in ENTERPRISES.items():
        orgs[key], _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.ENTERPRISE,
            name=name,
            defaults={
                "enterprise_type": etype,
                "district": District.objects.get(pk=district),
                "credit_code": make_code(prefix),
                "legal_representative": legal,
                "contact_name": legal,
                "contact_phone": "021-5088" + district[-4:],
            },
        )
    return orgs


def load(out: Callable[[str], None]) -> None:
    ensure_reference_data()
    orgs = organisations()
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"full_name": "平台管理员", "is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    admin.groups.add(Group.objects.get(name=Role.SYSADMIN.value))
    for username, (full_name, org_key, roles) in {**REGULATOR_USERS, **ENTERPRISE_USERS}.items():
        _user(username, full_name, orgs[org_key], roles)
    out(f"    {Organisation.objects.count()} organisations, {User.objects.count()} users")
