import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command

from domain.organisations.demo import DEMO_PASSWORD
from domain.organisations.models import Organisation, User
from webapp.demo import demo_usernames


@pytest.mark.django_db
def test_demo_world_loads_idempotently_with_documented_accounts(settings):
    settings.DEMO = True
    call_command("load_demo")
    counts = (Organisation.objects.count(), User.objects.count())
    call_command("load_demo")
    assert (Organisation.objects.count(), User.objects.count()) == counts
    for username in ["admin", "officer_pd", "reviewer_pd", "approver_pd", "officer_hp", "officer_mh",
                     "officer_city", "reviewer_city", "approver_city", "legal_city", "leader",
                     "ent_contractor", "ent_employer", "ent_lessor", "ent_contractor_legal",
                     "ent_employer_legal", "ent_lessor_legal"]:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD), username
    pd = User.objects.get(username="officer_pd")
    assert pd.organisation.district_id == "310115" and pd.has_role("case_officer")
    assert User.objects.get(username="legal_city").organisation.is_city_level


@pytest.mark.django_db
def test_demo_needs_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError):
        call_command("load_demo")


@pytest.mark.django_db
def test_production_start_refuses_demo_passwords(settings):
    settings.DEMO = True
    call_command("load_demo")
    settings.DEMO = False
    settings.TESTING = False
    errors = [e for e in run_checks(tags=["jianguan"]) if e.id == "jianguan.E001"]
    assert errors and "officer_pd" in errors[0].msg
    for other_module_account in ("person_zhang", "inspector_pd1", "supervisor_eng"):
        assert other_module_account in errors[0].msg
    for u in User.objects.filter(username__in=demo_usernames()):
        u.set_password("a-real-Strong-passw0rd")
        u.save()
    assert not [e for e in run_checks(tags=["jianguan"]) if e.id == "jianguan.E001"]
