"""The sign-in log (登录日志): logins, logouts and failed logins are events in the audit chain."""

from __future__ import annotations

import json

import pytest

from domain.organisations.demo import DEMO_PASSWORD as PASSWORD
from domain.organisations.models import User
from security import chain
from security.models import AuditEvent


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.mark.django_db
def test_a_login_and_a_logout_are_on_the_record_with_the_address(client, directory):
    response = client.post("/accounts/login/", {"username": "officer_pd", "password": PASSWORD},
                           REMOTE_ADDR="10.8.1.23")
    assert response.status_code == 302
    [login] = _events("security.login")
    assert login.actor.username == "officer_pd" and login.subject_id == str(login.actor.pk)
    assert login.data == {"ip": "10.8.1.23", "path": "/accounts/login/"} and login.summary == "登录"
    client.post("/accounts/logout/", REMOTE_ADDR="10.8.1.23")
    [logout] = _events("security.logout")
    assert logout.actor.username == "officer_pd" and logout.data == {"ip": "10.8.1.23"}
    assert chain.verify_chain().ok


@pytest.mark.django_db
def test_a_failed_login_names_the_account_or_masks_an_unknown_name(client, directory):
    client.post("/accounts/login/", {"username": "officer_pd", "password": "wrong-password"}, REMOTE_ADDR="10.8.1.9")
    client.post("/accounts/login/", {"username": "Secret-Pass-123", "password": "x"}, REMOTE_ADDR="10.8.1.9")
    known, unknown = _events("security.login_failed")
    assert known.summary == "登录失败：账户 officer_pd"
    assert known.subject_id == str(User.objects.get(username="officer_pd").pk)
    assert known.data["known_account"] is True and known.data["ip"] == "10.8.1.9"
    assert unknown.subject_id in ("", None) and unknown.data["known_account"] is False
    # a name no account has may be a password typed into the wrong box: never in the trail as typed
    assert "Secret-Pass-123" not in json.dumps([unknown.summary, unknown.data], ensure_ascii=False)
    assert unknown.data["username"] == "S*************3"
    assert _events("security.login") == []
    assert chain.verify_chain().ok
