"""The supervision firm and its supervising engineer the machinery procedures need (the directory has none).
Used by the demo loader and by tests."""

from __future__ import annotations

from django.contrib.auth.models import Group

from domain.organisations.credit_code import make_code
from domain.organisations.demo import DEMO_PASSWORD
from domain.organisations.models import District, EnterpriseType, Organisation, OrganisationKind, User
from domain.organisations.roles import Role

SUPERVISION_FIRM = "上海浦源工程建设监理有限公司"
SUPERVISOR_USERNAME = "supervisor_eng"


def supervising_engineer() -> User:
    """``supervisor_eng`` (监理工程师) of the demo supervision firm (Pudong). Idempotent."""
    firm, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.ENTERPRISE,
        name=SUPERVISION_FIRM,
        defaults={
            "enterprise_type": EnterpriseType.SUPERVISOR,
            "district": District.objects.get(pk="310115"),
            "credit_code": make_code("91310115MA1J7H8K9"),
            "legal_representative": "沈立新",
            "contact_name": "沈立新",
            "contact_phone": "021-58880115",
        },
    )
    user, created = User.objects.get_or_create(
        username=SUPERVISOR_USERNAME, defaults={"full_name": "顾海峰", "organisation": firm}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.SUPERVISING_ENGINEER.value))
    return user
