"""一网通办 identity client against the local simulator over HTTP: code exchange, one-use codes, signatures,
outage; and the person sign-in built on it."""

from __future__ import annotations

import pytest

from domain.errors import PermissionDeniedError
from domain.personnel.identity import sign_in_with_code
from domain.personnel.models import Person
from integrations.yiwangtongban.client import IdentityError, YiwangtongbanClient
from integrations.yiwangtongban.simulator import Identity, YiwangtongbanSimulator, serve

ZHANG = Identity(name="张伟", id_number="31011519850312123X", phone="13912345678")


@pytest.fixture
def provider():
    sim = YiwangtongbanSimulator(client_id="jianguan", secret="s3cret")
    sim.register(ZHANG)
    with serve(sim) as url:
        yield sim, YiwangtongbanClient(base_url=url, client_id="jianguan", secret="s3cret")


def test_code_exchange_returns_the_verified_identity_once(provider):
    sim, client = provider
    code = sim.login("31011519850312123x")
    assert client.identity(code) == ZHANG
    with pytest.raises(IdentityError) as exc:
        client.identity(code)  # codes are single-use
    assert exc.value.permanent


def test_a_wrong_secret_is_refused(provider):
    sim, client = provider
    bad = YiwangtongbanClient(base_url=client.base_url, client_id="jianguan", secret="wrong")
    with pytest.raises(IdentityError, match="401"):
        bad.identity(sim.login(ZHANG.id_number))


def test_outage_is_retryable(provider):
    sim, client = provider
    code = sim.login(ZHANG.id_number)
    sim.down = True
    with pytest.raises(IdentityError) as exc:
        client.identity(code)
    assert not exc.value.permanent


def test_authorize_url_carries_client_and_state():
    client = YiwangtongbanClient(base_url="https://ywtb.example", client_id="jg", secret="x")
    url = client.authorize_url(redirect_uri="https://jg.example/cb", state="abc")
    assert url.startswith("https://ywtb.example/oauth/authorize?") and "state=abc" in url and "client_id=jg" in url


@pytest.mark.django_db
def test_sign_in_links_the_person_by_id_number_and_reuses_the_account(provider, directory):
    sim, client = provider
    existing = Person.objects.create(name="张伟", id_number="31011519850312123X")
    user = sign_in_with_code(code=sim.login(ZHANG.id_number), client=client)
    assert user.has_role("applicant") and not user.has_usable_password()
    assert Person.objects.get(pk=existing.pk).user == user
    again = sign_in_with_code(code=sim.login(ZHANG.id_number), client=client)
    assert again.pk == user.pk and Person.objects.count() == 1
    with pytest.raises(PermissionDeniedError, match="认证失败"):
        sign_in_with_code(code="forged", client=client)
