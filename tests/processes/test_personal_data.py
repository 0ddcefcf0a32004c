"""Personal data in process variables: the serialized state is SM4-encrypted at rest, and every readable copy the
engine writes (variable snapshot, history details, the inbox's submitted data) holds ``x-pii`` fields masked."""

import base64
import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from processes import engine
from processes.engine import definitions
from processes.models import InstanceStatus, ProcessHistory, ProcessInstance
from security import crypto
from tasks.models import WorkItem

from . import services
from .conftest import FIXTURES, ready_tasks, round_trip

PHONE, ID_NUMBER = "13812345678", "310101199001011234"


def _stored_state(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT state FROM processes_processinstance WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def filled(publish, user):
    """An instance of the fixture whose officer typed a phone and a witness's ID number, then ran to the end."""
    publish("personal")
    services.CALLS.clear()
    officer = user("officer_pd")
    instance = engine.start("test_personal", variables={"district_code": "310115"}, acting_user=officer)
    data = {"contact": "杨帆", "phone": PHONE, "witnesses": [{"name": "李梅", "id_number": ID_NUMBER}]}
    return engine.complete_task(instance.pk, ready_tasks(instance)["contact"], data=data, acting_user=officer)


def test_the_state_is_ciphertext_in_the_database_and_round_trips(filled):
    stored = _stored_state(filled.pk)
    assert PHONE not in stored and ID_NUMBER not in stored and "杨帆" not in stored
    assert not stored.lstrip().startswith("{")
    plain = crypto.sm4_decrypt(base64.b64decode(stored)).decode()
    assert PHONE in plain and ID_NUMBER in plain
    instance = round_trip(filled)  # loads, restores the workflow and serializes it again unchanged
    assert json.loads(instance.state) == json.loads(plain)


def test_services_see_the_real_value_every_readable_copy_is_masked(filled):
    assert filled.status == InstanceStatus.COMPLETED
    # the service task after the form got the real number: it is what an outbound call needs
    assert services.CALLS[-1]["params"]["text"] == f"致电 {PHONE}"
    snapshot = ProcessInstance.objects.get(pk=filled.pk).data
    assert snapshot["phone"] == "138****5678"
    assert snapshot["witnesses"] == [{"name": "李梅", "id_number": "310***********1234"}]
    assert snapshot["contact"] == "杨帆"  # not marked: kept as typed
    assert snapshot["notice"]["text"] == "致电 138****5678"  # the value copied into a service's result, too
    history = ProcessHistory.objects.get(instance_id=filled.pk, element_id="contact")
    assert history.details["data"]["phone"] == "138****5678"
    item = WorkItem.objects.get(instance_id=filled.pk, element_id="contact")
    assert item.data["phone"] == "138****5678"
    assert item.data["witnesses"][0]["id_number"] == "310***********1234"
    everywhere = json.dumps([snapshot, history.details, item.data], ensure_ascii=False)
    assert PHONE not in everywhere and ID_NUMBER not in everywhere


def test_a_definition_without_marked_fields_keeps_its_snapshot_as_is(publish, user):
    publish("review")
    officer = user("officer_pd")
    instance = engine.start("test_review", variables={"district_code": "310115", "phone": PHONE}, acting_user=officer)
    assert ProcessInstance.objects.get(pk=instance.pk).data["phone"] == PHONE
    assert PHONE not in _stored_state(instance.pk)


@pytest.mark.parametrize(
    ("flag", "field_type", "problem"),
    [
        ('"yes"', "string", "contact.schema.json [phone]：x-pii 只能是 true 或 false"),
        ("true", "number", "contact.schema.json [phone]：x-pii 只能标在字符串字段上（个人信息以掩码显示）"),
    ],
)
def test_publish_refuses_a_misplaced_personal_data_mark(db, tmp_path, flag, field_type, problem):
    directory = tmp_path / "personal"
    shutil.copytree(FIXTURES / "personal", directory)
    form = directory / "contact.schema.json"
    old = '"phone": {"type": "string", "title": "联系电话", "x-pii": true}'
    text = form.read_text(encoding="utf-8")
    assert old in text
    form.write_text(text.replace(old, f'"phone": {{"type": "{field_type}", "title": "联系电话", "x-pii": {flag}}}'),
                    encoding="utf-8")
    with pytest.raises(engine.PublishError) as error:
        definitions.publish_directory(directory)
    assert [str(p) for p in error.value.problems] == [problem]


def test_the_general_application_marks_its_contact_phone():
    from processes.engine import pii

    schema = json.loads((Path(settings.BASE_DIR) / "processes/models/general_application/application.schema.json")
                        .read_text(encoding="utf-8"))
    assert "contact_phone" in pii.names_in([schema])


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_states_stored_in_plaintext_and_reverses(publish, user):
    publish("review")
    instance = engine.start("test_review", variables={"district_code": "310115", "phone": PHONE},
                            acting_user=user("officer_pd"))
    plain = ProcessInstance.objects.get(pk=instance.pk).state
    with connection.cursor() as cursor:  # as a row written before the state was encrypted
        cursor.execute("UPDATE processes_processinstance SET state = %s WHERE id = %s", [plain, instance.pk])
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("processes", "0001_initial")])
        assert _stored_state(instance.pk) == plain  # reversing leaves plaintext as it is (nothing to decrypt)
        executor = MigrationExecutor(connection)
        executor.migrate([("processes", "0002_encrypt_state")])
        stored = _stored_state(instance.pk)
        assert PHONE not in stored
        assert ProcessInstance.objects.get(pk=instance.pk).state == plain
        executor = MigrationExecutor(connection)
        executor.migrate([("processes", "0001_initial")])
        assert _stored_state(instance.pk) == plain
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert PHONE not in _stored_state(instance.pk)
