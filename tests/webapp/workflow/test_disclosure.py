"""A case's personal-data fields (x-pii) are shown masked; whoever may see the case can ask for one in full, and
each such request is an event in the audit chain."""

from __future__ import annotations

import pytest

from domain.organisations.models import User
from processes.models import ProcessInstance
from security.models import AuditEvent

from .conftest import application


def _login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def _disclosures():
    return list(AuditEvent.objects.filter(action="pii.disclosed").order_by("id"))


@pytest.mark.django_db
def test_a_case_shows_the_applicants_phone_masked_and_in_full_on_the_record(client, filled_case):
    instance = filled_case
    _login(client, "officer_pd")
    page = client.get(f"/cases/{instance.pk}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    url = f"/cases/{instance.pk}/disclose/contact_phone/"
    assert f'hx-post="{url}"' in page
    response = client.post(url)
    assert response.status_code == 200 and "13812345678" in response.content.decode()
    [event] = _disclosures()
    assert event.summary == "查看完整联系电话" and event.data == {"field": "contact_phone"}
    assert event.subject_id == str(instance.pk) and event.actor.username == "officer_pd"
    # only fields the model marks as personal data, and only for those who may see the case
    assert client.post(f"/cases/{instance.pk}/disclose/project_name/").status_code == 404
    _login(client, "ent_lessor")
    assert client.post(url).status_code == 404
    assert len(_disclosures()) == 1


@pytest.fixture
def filled_case(filed):
    return ProcessInstance.objects.get(pk=filed(**application())["id"])
