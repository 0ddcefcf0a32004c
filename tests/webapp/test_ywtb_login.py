"""一网通办 sign-in through the pages: login button → (simulated) portal → callback → signed in as the applicant the
verified ID number belongs to. State is checked, the simulator page exists only where it may, bad input is a 4xx."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from domain.organisations.models import User
from domain.personnel.models import Person
from domain.personnel.services import ensure_person
from security.models import AuditEvent
from webapp.portal.ywtb import valid_id_number

pytestmark = pytest.mark.django_db
ZHANG = ("张伟", "310115198503121234")


def _to_portal(client: Client, next_url: str = "") -> tuple[str, str]:
    response = client.get("/accounts/ywtb/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    portal = response["Location"]
    assert portal.startswith("/accounts/ywtb/simulated/?")
    return portal, parse_qs(urlsplit(portal).query)["state"][0]


def test_an_existing_person_signs_in_to_their_own_account_and_lands_where_they_were_going(directory):
    account = User.objects.create(username="person_zhang_t", full_name="张伟")
    ensure_person(name=ZHANG[0], id_number=ZHANG[1], user=account)
    client = Client()
    assert "一网通办实名登录" in client.get("/accounts/login/").content.decode()
    portal, _state = _to_portal(client, "/my/applications/")
    assert "本地模拟" in client.get(portal).content.decode()
    back = client.post(portal, {"name": ZHANG[0], "id_number": ZHANG[1]})
    assert back.status_code == 302 and back["Location"].startswith("/accounts/ywtb/callback/?")
    landed = client.get(back["Location"])
    assert landed.status_code == 302 and landed["Location"] == "/my/applications/"
    assert int(client.session["_auth_user_id"]) == account.pk
    home = client.get("/")  # the next request is signed in too (the session names a configured backend)
    assert home.status_code == 200 and "张伟" in home.content.decode()
    assert AuditEvent.objects.filter(action="personnel.signed_in_ywtb", actor=account).exists()


def test_a_new_person_gets_an_applicant_account_with_the_id_number_encrypted(directory):
    client = Client()
    portal, _state = _to_portal(client)
    landed = client.get(client.post(portal, {"name": "赵敏", "id_number": "310115199001011232"})["Location"])
    assert landed["Location"] == "/"
    person = Person.objects.get(id_number="310115199001011232")
    assert person.user is not None and person.user.has_role("applicant")
    assert int(client.session["_auth_user_id"]) == person.user_id


def test_a_callback_with_a_foreign_or_replayed_state_signs_no_one_in(directory):
    client = Client()
    portal, state = _to_portal(client)
    back = client.post(portal.replace(state, "forged-state"), {"name": ZHANG[0], "id_number": ZHANG[1]})
    response = client.get(back["Location"])
    assert response.status_code == 400 and "登录请求已失效" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # a fresh state works once; the same callback again is refused (the state is spent)
    portal, state = _to_portal(client)
    back = client.post(portal, {"name": ZHANG[0], "id_number": ZHANG[1]})
    assert client.get(back["Location"]).status_code == 302
    assert client.get(back["Location"]).status_code == 400  # replayed
    assert Client().get(back["Location"]).status_code == 400  # from another browser


def test_bad_input_and_a_refused_code_are_explained(directory):
    client = Client()
    portal, state = _to_portal(client)
    assert client.get("/accounts/ywtb/callback/?state=非ASCII&code=x").status_code == 400  # and the state is spent
    portal, state = _to_portal(client)
    bad = client.post(portal, {"name": "张伟", "id_number": "310115198503121238"})  # wrong check character
    assert bad.status_code == 400 and "校验位不正确" in bad.content.decode()
    refused = client.get(f"/accounts/ywtb/callback/?state={state}&code=forged")
    assert refused.status_code == 403 and "一网通办身份认证失败" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_outside_demo_debug_and_tests_the_simulated_portal_is_not_offered(directory, settings):
    settings.DEMO = settings.DEBUG = settings.TESTING = False
    client = Client()
    assert "一网通办实名登录" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/ywtb/").status_code == 404
    assert client.get("/accounts/ywtb/simulated/?state=x").status_code == 404
    settings.YIWANGTONGBAN_URL = "https://ywtb.example"  # a real portal configured: the button sends people there
    assert "一网通办实名登录" in client.get("/accounts/login/").content.decode()
    response = client.get("/accounts/ywtb/")
    assert response.status_code == 302 and response["Location"].startswith("https://ywtb.example/oauth/authorize?")


def test_id_number_check_character():
    assert valid_id_number("310115198503121234") and valid_id_number("11010519491231002x")
    assert not valid_id_number("310115198503121238") and not valid_id_number("31011519850312123")


def test_a_bare_next_path_and_an_inactive_account_do_not_break_the_callback(directory):
    client = Client()
    portal, _state = _to_portal(client, "foo")  # not a URL name: followed as a relative path, never resolved
    landed = client.get(client.post(portal, {"name": "赵敏", "id_number": "310115199001011232"})["Location"])
    assert landed.status_code == 302 and landed["Location"] == "foo"
    account = User.objects.create(username="person_off", full_name="张伟", is_active=False)
    ensure_person(name=ZHANG[0], id_number=ZHANG[1], user=account)
    other = Client()
    portal, _state = _to_portal(other)
    refused = other.get(other.post(portal, {"name": ZHANG[0], "id_number": ZHANG[1]})["Location"])
    assert refused.status_code == 403 and "账号已停用" in refused.content.decode()
    assert "_auth_user_id" not in other.session
    assert not AuditEvent.objects.filter(action="personnel.signed_in_ywtb", actor=account).exists()
