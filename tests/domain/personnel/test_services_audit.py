"""Person records: linking an account and correcting an identity are on the audit trail, ID numbers masked."""

import pytest
from django.contrib.auth.models import Group

from domain.organisations.models import User
from domain.personnel import services
from security.audit import history_for
from security.chain import verify_chain

pytestmark = pytest.mark.django_db


def test_linking_a_registered_person_to_an_account_is_audited(directory):
    person = services.ensure_person(name="李登记", id_number="310101198001011234")
    account = User.objects.create(username="li_dengji", full_name="李登记")
    account.groups.add(Group.objects.get(name="applicant"))
    assert services.ensure_person(name="李登记", id_number="310101198001011234", user=account).user == account
    event = history_for(person).last()
    assert (event.action, event.actor) == ("personnel.account_linked", account)
    assert verify_chain().ok


def test_an_identity_correction_keeps_only_masked_numbers(directory, user):
    person = services.ensure_person(name="王更正", id_number="310101198001011234")
    services.correct_identity(person=person, acting_user=user("officer_pd"), reason="录入错误",
                              id_number="310101198001015678")
    event = history_for(person).get(action="personnel.identity_corrected")
    assert event.before["id_number"] == "310***********1234"
    assert event.after["id_number"] == "310***********5678"
    assert "310101198001015678" not in str(event.after) + event.summary
    assert verify_chain().ok
