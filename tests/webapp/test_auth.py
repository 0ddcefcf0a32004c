import pytest
from rest_framework.authtoken.models import Token

from domain.organisations.demo import DEMO_PASSWORD


@pytest.mark.django_db
def test_login_page_renders_in_chinese(client):
    resp = client.get("/accounts/login/")
    assert resp.status_code == 200
    assert "登录建管平台" in resp.content.decode()


@pytest.mark.django_db
def test_login_and_home_by_role(client, directory):
    resp = client.post("/accounts/login/", {"username": "officer_pd", "password": DEMO_PASSWORD})
    assert resp.status_code == 302
    home = client.get("/").content.decode()
    assert "我的待办" in home and "陈晓东" in home
    client.logout()
    client.post("/accounts/login/", {"username": "ent_employer", "password": DEMO_PASSWORD})
    assert "我的申请" in client.get("/").content.decode()
    client.logout()
    client.post("/accounts/login/", {"username": "leader", "password": DEMO_PASSWORD})
    assert "驾驶舱" in client.get("/").content.decode()


@pytest.mark.django_db
def test_wrong_password_shows_message(client, directory):
    resp = client.post("/accounts/login/", {"username": "officer_pd", "password": "wrong"})
    assert resp.status_code == 200
    assert "用户名或密码错误" in resp.content.decode()


@pytest.mark.django_db
def test_home_requires_login(client):
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_token_endpoint_good_credentials(api, directory):
    resp = api().post("/api/auth/token/", {"username": "ent_contractor", "password": DEMO_PASSWORD}, format="json")
    assert resp.status_code == 200
    token = resp.json()["token"]
    assert Token.objects.get(key=token).user.username == "ent_contractor"
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/").json()
    assert me["username"] == "ent_contractor" and me["scope"] == "enterprise"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [{"username": "ent_contractor", "password": "nope"}, {"username": "nobody", "password": "x"}, {}, {"username": ""}],
)
def test_token_endpoint_bad_credentials_give_4xx_json(api, directory, payload):
    resp = api().post("/api/auth/token/", payload, format="json")
    assert resp.status_code == 400
    assert "detail" in resp.json()


@pytest.mark.django_db
def test_malformed_json_is_a_400(api, directory):
    resp = api().post("/api/auth/token/", "{not json", content_type="application/json")
    assert resp.status_code == 400
    assert "detail" in resp.json()


@pytest.mark.django_db
def test_api_needs_authentication(api):
    assert api().get("/api/me/").status_code in (401, 403)
    assert api().get("/api/me/", HTTP_AUTHORIZATION="Token bogus").status_code == 401


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    resp = client.get("/api/schema/")
    assert resp.status_code == 200
    assert b"/api/auth/token/" in resp.content


@pytest.mark.django_db
def test_a_nul_character_in_any_input_is_a_400_not_a_database_error(directory):
    from django.test import Client
    from rest_framework.test import APIClient

    from domain.organisations.models import User

    officer = User.objects.get(username="officer_pd")
    api = APIClient()
    api.force_authenticate(officer)
    response = api.get("/api/enterprises/cases/", {"enterprise": "浦江\x00"})
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    assert api.post("/api/auth/token/", '{"username": "a\\u0000"}', content_type="application/json").status_code == 400
    page = Client()
    page.force_login(officer)
    assert page.get("/enterprises/", {"enterprise": "\x00"}).status_code == 400
    assert page.post("/accounts/login/", {"username": "x\x00", "password": "y"}).status_code == 400
    assert page.get("/enterprises/", {"enterprise": "浦江"}).status_code == 200
