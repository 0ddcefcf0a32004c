"""Scoping: each party sees only the machines it may see; the per-site list and the query filters."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from domain.errors import NotVisibleError
from domain.machinery import selectors
from domain.organisations.credit_code import make_code
from domain.organisations.models import District, EnterpriseType, Organisation, OrganisationKind, User

from .flows import filed_machine, installed, registered, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_lessor(machinery):
    org = Organisation.objects.create(
        kind=OrganisationKind.ENTERPRISE, name="上海西吊设备租赁有限公司", enterprise_type=EnterpriseType.LESSOR,
        district=District.objects.get(pk="310112"), credit_code=make_code("91310112MA1X2Y3W4"),
    )
    user = User.objects.create(username="ent_lessor_b", full_name="陆强", organisation=org)
    user.groups.add(Group.objects.get(name="enterprise_operator"))
    return user


def _ids(qs):
    return sorted(qs.values_list("pk", flat=True))


def test_a_lessor_sees_only_its_machines(machinery, other_lessor):
    mine = filed_machine()
    theirs = submit(username="ent_lessor_b", factory_serial_no="X-2").machine
    lessor = User.objects.get(username="ent_lessor")
    assert _ids(selectors.machines_visible_to(lessor)) == [mine.pk]
    assert _ids(selectors.machines_visible_to(other_lessor)) == [theirs.pk]
    with pytest.raises(NotVisibleError):
        selectors.get_machine(lessor, theirs.pk)


def test_contractor_engineer_and_districts_see_what_concerns_them(machinery, platform, user):
    on_site = filed_machine()
    in_yard = filed_machine(factory_serial_no="TC6010-99999")
    registered(installed(on_site))
    assert _ids(selectors.machines_visible_to(user("ent_contractor"))) == [on_site.pk]
    assert _ids(selectors.machines_visible_to(user("supervisor_eng"))) == [on_site.pk]
    assert _ids(selectors.machines_visible_to(user("officer_mh"))) == sorted([on_site.pk, in_yard.pk])  # filed there
    assert _ids(selectors.machines_visible_to(user("officer_pd"))) == [on_site.pk]  # installed there
    assert _ids(selectors.machines_visible_to(user("officer_hp"))) == []
    assert _ids(selectors.machines_visible_to(user("officer_city"))) == sorted([on_site.pk, in_yard.pk])
    assert _ids(selectors.registrations_visible_to(user("officer_hp"))) == []
    assert _ids(selectors.registrations_visible_to(user("ent_employer"))) == []


def test_per_site_list_and_query_filters(machinery, platform, user, django_assert_max_num_queries):
    first, second = filed_machine(), filed_machine(factory_serial_no="TC6010-77777")
    registered(installed(first))
    registered(installed(second))
    with django_assert_max_num_queries(5):
        by_site = selectors.machines_in_use_by_site(user("officer_pd"))
        rows = [(r.machine.filing_number, r.machine.owner.name, r.certificate.number, list(r.confirmations.all()))
                for v in by_site.values() for r in v]
    assert list(by_site) == ["浦江镇商品房项目（二期）"] and len(rows) == 2
    lessor = user("ent_lessor")
    assert _ids(selectors.search_machines(lessor, site="浦江镇")) == sorted([first.pk, second.pk])
    assert _ids(selectors.search_machines(lessor, state="filed")) == []
    assert _ids(selectors.search_machines(lessor, machine_type="hoist_sc")) == []
    assert _ids(selectors.search_machines(lessor, owner="东起", text=first.filing_number)) == [first.pk]
