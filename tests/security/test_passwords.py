import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings

from security.hashers import PBKDF2SM3PasswordHasher
from security.models import LoginThrottle

SM3_FIRST = ["security.hashers.PBKDF2SM3PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


class FastSM3(PBKDF2SM3PasswordHasher):
    iterations = 1000


FAST = ["tests.security.test_passwords.FastSM3", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def test_pbkdf2_sm3_matches_an_independent_computation():
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    encoded = FastSM3().encode("jianguan-demo", "NaCl0123456789ab", 1000)
    algorithm, iterations, salt, digest = encoded.split("$")
    assert (algorithm, iterations, salt) == ("pbkdf2_sm3", "1000", "NaCl0123456789ab")
    expected = PBKDF2HMAC(hashes.SM3(), 32, b"NaCl0123456789ab", 1000).derive(b"jianguan-demo")
    assert base64.b64decode(digest) == expected
    assert FastSM3().verify("jianguan-demo", encoded) and not FastSM3().verify("wrong", encoded)


@override_settings(PASSWORD_HASHERS=SM3_FIRST)
def test_sm3_is_the_default_hasher():
    assert make_password("x-long-password").startswith("pbkdf2_sm3$600000$")


@pytest.mark.django_db
def test_sha256_hash_is_upgraded_to_sm3_on_login(client, directory, user):
    officer = user("officer_pd")
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        officer.set_password("jianguan-demo")
        officer.save(update_fields=["password"])
    assert officer.password.startswith("pbkdf2_sha256$")
    with override_settings(PASSWORD_HASHERS=FAST):
        resp = client.post("/accounts/login/", {"username": "officer_pd", "password": "jianguan-demo"})
        assert resp.status_code == 302
        officer.refresh_from_db()
        assert officer.password.startswith("pbkdf2_sm3$")
        assert check_password("jianguan-demo", officer.password)


@pytest.mark.django_db
def test_web_login_locks_after_repeated_failures(client, directory, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        resp = client.post("/accounts/login/", {"username": "officer_pd", "password": "wrong-password"})
        assert resp.status_code == 200
    resp = client.post("/accounts/login/", {"username": "officer_pd", "password": "jianguan-demo"})
    assert resp.status_code == 200 and "登录失败次数过多" in resp.content.decode()
    LoginThrottle.objects.all().delete()  # the lock lapses
    resp = client.post("/accounts/login/", {"username": "officer_pd", "password": "jianguan-demo"})
    assert resp.status_code == 302


@pytest.mark.django_db
def test_token_endpoint_locks_after_repeated_failures(api, directory, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = api()
    for _ in range(3):
        assert client.post("/api/auth/token/", {"username": "ent_contractor", "password": "nope"}).status_code == 400
    resp = client.post("/api/auth/token/", {"username": "ent_contractor", "password": "jianguan-demo"})
    assert resp.status_code == 429
    assert "登录失败次数过多" in resp.json()["detail"]
    # a different account from another address is unaffected
    other = client.post(
        "/api/auth/token/", {"username": "officer_pd", "password": "jianguan-demo"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 200


@pytest.mark.django_db
def test_lock_lapses_after_the_lockout_period(directory, settings):
    from datetime import timedelta

    from django.utils import timezone

    from security import throttle

    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        throttle.register_failure("officer_pd")
    assert throttle.lockout_message("officer_pd")
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert throttle.lockout_message("officer_pd") == ""
    assert throttle.lockout_message("someone_else") == ""


@pytest.mark.django_db
def test_a_lockout_is_on_the_audit_trail(client, directory, user, settings):
    from security.chain import verify_chain
    from security.models import AuditEvent

    settings.LOGIN_FAILURE_LIMIT = 2
    for username in ("officer_pd", "officer_pd", "S3cret-Passw0rd", "S3cret-Passw0rd"):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password"})
    locked, unknown = AuditEvent.objects.filter(action="security.login_locked").order_by("seq")
    assert locked.subject_id == str(user("officer_pd").pk)
    assert locked.data["key"] == "user:officer_pd" and "officer_pd" in locked.summary
    assert locked.request_id  # the login request that tripped it
    # a username no account has may be a password typed into the wrong box: never in the trail in clear
    assert unknown.subject_id == "" and "s3cret" not in (unknown.summary + str(unknown.data)).lower()
    assert verify_chain().ok
