"""The visibility rule: enterprises see their own rows, district officers their district's, the city all."""

import pytest

from domain.organisations.models import Organisation, OrganisationKind
from domain.organisations.scoping import scope_of, scope_queryset
from domain.organisations.selectors import organisations_visible_to, users_with_role


def _enterprise_rows(user):
    return scope_queryset(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE),
        user,
        organisation_fields=("pk",),
        district_field="district",
    )


@pytest.mark.django_db
def test_enterprise_user_sees_only_its_own_organisation(directory, user):
    rows = list(_enterprise_rows(user("ent_contractor")))
    assert rows == [directory["contractor"]]
    assert directory["employer"] not in rows


@pytest.mark.django_db
def test_district_officer_sees_only_its_district(directory, user):
    pudong = set(_enterprise_rows(user("officer_pd")))
    assert pudong == {directory["contractor"], directory["builder"]}  # both contractors are registered in Pudong
    huangpu = list(_enterprise_rows(user("officer_hp")))
    assert huangpu == [directory["employer"]]
    assert directory["contractor"] not in huangpu


@pytest.mark.django_db
def test_city_level_and_leader_see_everything(directory, user):
    expected = {directory[k] for k in ("contractor", "employer", "lessor", "builder")}
    assert set(_enterprise_rows(user("officer_city"))) == expected
    assert set(_enterprise_rows(user("leader"))) == expected
    assert scope_of(user("admin")).kind == "all"


@pytest.mark.django_db
def test_inactive_or_orphan_users_see_nothing(directory, user):
    u = user("ent_lessor")
    u.is_active = False
    assert list(_enterprise_rows(u)) == []
    orphan = user("officer_mh")
    orphan.organisation = None
    assert scope_of(orphan).kind == "none"


@pytest.mark.django_db
def test_organisation_selector_and_role_lookup(directory, user):
    assert set(organisations_visible_to(user("ent_employer"))) == {directory["employer"]}
    officers = set(users_with_role("case_officer", district_code="310115").values_list("username", flat=True))
    assert officers == {"officer_pd"}
