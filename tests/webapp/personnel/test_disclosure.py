"""Personal data is shown masked; someone who may see the record can ask for one field in full, and each such
request is an event in the audit chain (who, which record, which field — never the value)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group

from domain.organisations.models import User
from security import chain
from security.models import AuditEvent
from tests.domain.personnel.factories import employed_person, valid_certificate

ID_NUMBER = "310115199001011234"


def _login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def _disclosures():
    return list(AuditEvent.objects.filter(action="pii.disclosed").order_by("id"))


@pytest.fixture
def person(directory):
    user = User.objects.create(username="person_p", full_name="张页面")
    user.groups.add(Group.objects.get(name="applicant"))
    return employed_person(directory["contractor"], name="张页面", user=user, id_number=ID_NUMBER)


@pytest.mark.django_db
def test_an_officer_sees_an_id_number_masked_and_in_full_on_request_on_the_record(client, person):
    valid_certificate(person)
    _login(client, "officer_pd")
    page = client.get(f"/personnel/archive/{person.pk}/").content.decode()
    assert "310***********1234" in page and ID_NUMBER not in page
    url = f"/personnel/archive/{person.pk}/disclose/id_number/"
    assert f'hx-post="{url}"' in page
    assert client.get(url).status_code == 405  # never by a link or a prefetch
    response = client.post(url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert ID_NUMBER in response.content.decode() and "已留痕" in response.content.decode()
    [event] = _disclosures()
    assert event.actor.username == "officer_pd" and event.subject_id == str(person.pk)
    assert event.summary == "查看完整身份证号码" and event.data == {"field": "id_number"}
    assert ID_NUMBER not in json.dumps([event.summary, event.data, event.subject_repr], ensure_ascii=False)
    assert chain.verify_chain().ok
    phone = client.post(f"/personnel/archive/{person.pk}/disclose/phone/")
    assert phone.status_code == 200 and "13800138000" in phone.content.decode()


@pytest.mark.django_db
def test_no_disclosure_of_a_person_one_may_not_see_nor_of_another_field(client, person, directory):
    other = employed_person(directory["lessor"], name="李别家", id_number="310115199202022345")
    _login(client, "ent_contractor")  # sees its own staff's file, not another enterprise's
    assert client.post(f"/personnel/archive/{other.pk}/disclose/id_number/").status_code == 404
    assert client.post(f"/personnel/archive/{person.pk}/disclose/name/").status_code == 404
    assert client.post(f"/personnel/archive/{person.pk}/disclose/password/").status_code == 404
    assert _disclosures() == []
    assert client.post(f"/personnel/archive/{person.pk}/disclose/id_number/").status_code == 200
    assert len(_disclosures()) == 1
