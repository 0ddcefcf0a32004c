import stat

import pytest

from security import crypto
from security.keystore import FileKeyStore, KeyNotFound, keystore


@pytest.fixture
def store(tmp_path, settings, monkeypatch):
    settings.SECURITY_KEY_DIR = tmp_path / "keys"
    keystore.cache_clear()
    yield keystore()
    keystore.cache_clear()


def test_keys_are_files_readable_only_by_the_owner(store, tmp_path):
    key_id = store.current_id("field")
    assert key_id == "field.v1"
    mode = stat.S_IMODE((tmp_path / "keys" / "field" / "v1.key").stat().st_mode)
    assert mode == 0o600


def test_rotation_keeps_old_ciphertexts_readable_and_encrypts_under_the_new_key(store):
    old = crypto.sm4_encrypt(b"13812345678")
    assert store.rotate("field") == "field.v2"
    new = crypto.sm4_encrypt(b"13812345678")
    assert b"field.v1" in old[:12] and b"field.v2" in new[:12]
    assert crypto.sm4_decrypt(old) == crypto.sm4_decrypt(new) == b"13812345678"


def test_hmac_by_purpose_uses_current_key_and_old_key_ids_still_verify(store):
    mac_v1 = crypto.hmac_sm3("audit", b"event")
    store.rotate("audit")
    assert crypto.hmac_sm3("audit.v1", b"event") == mac_v1
    assert crypto.hmac_sm3("audit", b"event") != mac_v1


def test_unknown_key_and_bad_ids_are_refused(store):
    with pytest.raises(KeyNotFound):
        crypto.hmac_sm3("audit.v9", b"x")
    with pytest.raises(ValueError):
        store.current_id("../etc")
    token = bytearray(crypto.sm4_encrypt(b"x"))
    token[2:10] = b"field.v7"
    with pytest.raises(crypto.IntegrityError):
        crypto.sm4_decrypt(bytes(token))


def test_sm2_private_key_stays_in_the_store(store):
    key_id, public = store.create_sm2("seal-test")
    sig = store.sm2_sign(key_id, b"doc")
    assert crypto.sm2_verify(public, b"doc", sig)
    assert store.current_sm2("seal-test") == (key_id, public)
    assert isinstance(store, FileKeyStore)


@pytest.mark.django_db
def test_rotate_key_command_reencrypts_rows_and_lookups_keep_working(store, certificate):
    import base64

    from django.core.management import call_command

    from documents import services
    from documents.models import Delivery

    services.record_delivery(
        document=certificate, recipient_name="王建国", recipient_id_number="310101199001011234",
        method="direct", issue_receipt=False,
    )

    def raw_key_id():
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT recipient_id_number FROM documents_delivery")
            token = base64.b64decode(cur.fetchone()[0])
        return token[2 : 2 + token[1]].decode()

    assert raw_key_id() == "field.v1"
    call_command("rotate_key", "field")
    assert raw_key_id() == "field.v2"
    call_command("rotate_key", "blind-index")
    assert Delivery.objects.get(recipient_id_number="310101199001011234").recipient_name == "王建国"


def test_a_rotation_by_another_process_is_seen_without_restarting(tmp_path):
    here, there = FileKeyStore(tmp_path / "keys"), FileKeyStore(tmp_path / "keys")
    assert here.current_id("audit") == "audit.v1"
    assert there.rotate("audit") == "audit.v2"
    assert here.current_id("audit") == "audit.v2"  # the replaced ``current`` pointer is a new file
    assert there.rotate("audit") == "audit.v3"
    assert here.current_id("audit") == "audit.v3"


@pytest.mark.django_db
def test_rotation_and_the_rewrite_it_causes_are_audited_by_the_command(store):
    from django.core.management import call_command

    from security.chain import verify_chain
    from security.models import AuditEvent

    call_command("rotate_key", "field")
    rotated = AuditEvent.objects.get(action="security.key_rotated")
    rewritten = AuditEvent.objects.get(action="security.data_reencrypted")
    assert rotated.data == {"old": "field.v1", "new": "field.v2"} and rewritten.data["key"] == "field.v2"
    assert {rotated.actor_username, rewritten.actor_username} == {"系统（manage.py rotate_key）"}
    assert verify_chain().ok
