import pytest
from django.core.exceptions import ValidationError

from domain.errors import ConflictError, ProcedureError
from processes import engine
from processes.models import InstanceStatus
from security.models import AuditEvent

from . import services
from .conftest import ready_tasks, round_trip


@pytest.fixture
def flaky(publish):
    services.FAILURES["remaining"] = 0
    return publish("flaky")


def _start(user):
    return engine.start("test_flaky", variables={"district_code": "310115"}, acting_user=user("officer_pd"))


def test_a_failing_service_is_an_incident_and_retry_runs_it_again(flaky, user):
    services.FAILURES["remaining"] = 2
    instance = round_trip(_start(user))
    assert instance.status == InstanceStatus.ERROR
    assert instance.error_element_id == "register" and "财政云接口无响应" in instance.error_message
    assert ready_tasks(instance) == {}
    assert engine.diagram_state(instance)["error"] == ["register"]

    instance = round_trip(engine.retry(instance.pk, acting_user=user("admin"), reason="接口恢复后重试"))
    assert instance.status == InstanceStatus.ERROR  # still failing (second failure)

    instance = round_trip(engine.retry(instance.pk, acting_user=user("admin")))
    assert instance.status == InstanceStatus.RUNNING and instance.error_message == ""
    assert instance.variables["registered"] is True
    assert list(ready_tasks(instance)) == ["confirm"]
    assert AuditEvent.objects.filter(action="process.retry").count() == 2


def test_retry_without_an_incident_is_refused(flaky, user):
    instance = _start(user)
    with pytest.raises(ProcedureError):
        engine.retry(instance.pk, acting_user=user("admin"))


def test_form_data_is_validated_against_the_task_schema(flaky, user):
    instance = _start(user)
    with pytest.raises(ValidationError) as error:
        engine.complete_task(instance.pk, ready_tasks(instance)["confirm"], data={"ok": "yes"}, acting_user=user("officer_pd"))
    assert "ok" in error.value.message_dict
    assert round_trip(instance).status == InstanceStatus.RUNNING


def test_suspended_instance_cannot_be_worked_until_resumed(flaky, user):
    instance = _start(user)
    task_id = ready_tasks(instance)["confirm"]
    engine.suspend(instance.pk, acting_user=user("admin"), reason="投诉核查")
    assert round_trip(instance).status == InstanceStatus.SUSPENDED
    with pytest.raises(ProcedureError):
        engine.complete_task(instance.pk, task_id, data={"ok": True}, acting_user=user("officer_pd"))
    with pytest.raises(ProcedureError):
        engine.suspend(instance.pk, acting_user=user("admin"))
    assert engine.resume(instance.pk, acting_user=user("admin")).status == InstanceStatus.RUNNING
    done = engine.complete_task(instance.pk, task_id, data={"ok": True}, acting_user=user("officer_pd"))
    assert round_trip(done).status == InstanceStatus.COMPLETED


def test_terminate_cancels_everything(flaky, user):
    instance = _start(user)
    task_id = ready_tasks(instance)["confirm"]
    instance = round_trip(engine.terminate(instance.pk, acting_user=user("admin"), reason="申请人撤回"))
    assert instance.status == InstanceStatus.TERMINATED and instance.completed_at is not None
    assert ready_tasks(instance) == {}
    with pytest.raises(ConflictError):
        engine.complete_task(instance.pk, task_id, data={"ok": True}, acting_user=user("officer_pd"))
    assert AuditEvent.objects.filter(action="process.terminate", summary__contains="申请人撤回").exists()


def test_history_records_who_completed_each_task(flaky, user):
    instance = _start(user)
    engine.complete_task(instance.pk, ready_tasks(instance)["confirm"], data={"ok": True}, acting_user=user("officer_pd"))
    rows = list(engine.instance_history(instance))
    assert [r.element_id for r in rows] == ["start", "register", "confirm", "end"]
    confirm = rows[2]
    assert confirm.actor == user("officer_pd") and confirm.element_type == "UserTask"
    assert confirm.details == {"data": {"ok": True}}
    assert rows[1].actor is None and rows[1].outcome == "test.flaky"
