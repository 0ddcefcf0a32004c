import pytest
from django.db import connection

from processes import engine
from processes.models import HeldMessage, InstanceStatus, MessageSubscription
from security.models import AuditEvent

from .conftest import ready_tasks, round_trip


@pytest.fixture
def messages(publish):
    return publish("messages")


def _waiting(user, permit_no):
    return engine.start("test_messages", variables={"permit_no": permit_no, "district_code": "310115"},
                        acting_user=user("officer_pd"))


def test_no_one_waiting_is_reported_not_raised(messages):
    result = engine.correlate("permit_received", "XK-404", {"approved": True})
    assert result.nobody_waiting and result.instances == [] and result.started == []


def test_one_waiter_receives_the_payload_and_continues(messages, user):
    instance = _waiting(user, "XK-1")
    other = _waiting(user, "XK-2")
    assert round_trip(instance).status == InstanceStatus.WAITING
    assert MessageSubscription.objects.get(instance=instance).correlation_key == "XK-1"
    result = engine.correlate("permit_received", "XK-1", {"approved": True})
    assert [i.pk for i in result.instances] == [instance.pk] and not result.nobody_waiting
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.COMPLETED and instance.variables["approved"] is True
    assert engine.diagram_state(instance)["completed"] == ["check", "end_ok", "start", "wait_permit"]
    assert round_trip(other).status == InstanceStatus.WAITING
    assert not MessageSubscription.objects.filter(instance=instance).exists()
    assert engine.correlate("permit_received", "XK-1", {"approved": True}).nobody_waiting  # delivered once


def test_two_waiters_with_the_same_key_both_receive_it(messages, user):
    first, second = _waiting(user, "XK-9"), _waiting(user, "XK-9")
    result = engine.correlate("permit_received", "XK-9", {"approved": False})
    assert sorted(i.pk for i in result.instances) == sorted([first.pk, second.pk])
    for instance in (first, second):
        instance = round_trip(instance)
        assert instance.status == InstanceStatus.COMPLETED
        assert "end_refused" in engine.diagram_state(instance)["completed"]


def test_a_suspended_waiter_holds_the_message_and_receives_it_when_resumed(messages, user):
    instance = _waiting(user, "XK-5")
    engine.suspend(instance.pk, acting_user=user("admin"), reason="核查")
    result = engine.correlate("permit_received", "XK-5", {"approved": True, "holder": "张三"})
    assert result.held == [instance.pk] and result.instances == [] and not result.nobody_waiting
    assert round_trip(instance).status == InstanceStatus.SUSPENDED  # nothing advances while suspended
    held = HeldMessage.objects.get(instance=instance)
    with connection.cursor() as cursor:  # what came from outside is SM4-encrypted at rest
        cursor.execute("SELECT payload FROM processes_heldmessage WHERE id = %s", [held.pk])
        assert "张三" not in cursor.fetchone()[0]
    resumed = engine.resume(instance.pk, acting_user=user("admin"), reason="核查完毕")
    assert resumed.status == InstanceStatus.COMPLETED and resumed.variables["approved"] is True
    assert not HeldMessage.objects.exists()
    actions = list(AuditEvent.objects.filter(action__startswith="process.message").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["process.message_held", "process.message"]


def test_held_messages_are_delivered_in_order_and_dropped_on_terminate(messages, user):
    first, second = _waiting(user, "XK-6"), _waiting(user, "XK-7")
    for instance in (first, second):
        engine.suspend(instance.pk, acting_user=user("admin"), reason="核查")
    engine.correlate("permit_received", "XK-6", {"approved": False})
    engine.correlate("permit_received", "XK-6", {"approved": True})  # a second message: no wait left for it
    engine.correlate("permit_received", "XK-7", {"approved": True})
    assert HeldMessage.objects.filter(instance=first).count() == 2
    resumed = engine.resume(first.pk, acting_user=user("admin"), reason="核查完毕")
    assert resumed.status == InstanceStatus.COMPLETED and resumed.variables["approved"] is False  # the first one
    assert AuditEvent.objects.filter(action="process.message_dropped").count() == 1
    engine.terminate(second.pk, acting_user=user("admin"), reason="撤回")
    assert not HeldMessage.objects.exists()
    assert "暂存消息 1 条不再投递" in AuditEvent.objects.get(action="process.terminate").summary


def test_a_message_start_event_starts_an_instance(publish, user):
    publish("objection")
    result = engine.correlate("objection_filed", "HT-2026-001", {"reason": "价格异常"}, acting_user=user("legal_city"))
    assert len(result.started) == 1 and not result.nobody_waiting
    instance = round_trip(result.started[0])
    assert instance.business_key == "HT-2026-001"
    assert instance.variables["reason"] == "价格异常"
    assert list(ready_tasks(instance)) == ["handle"]


def test_an_interrupting_boundary_message_withdraws_the_task(publish, user):
    from tasks.models import WorkItem, WorkItemStatus

    publish("withdrawal")
    instance = engine.start("test_withdrawal", variables={"application_no": "SQ-7", "district_code": "310115"},
                            acting_user=user("officer_pd"))
    item = WorkItem.objects.get(instance_id=instance.pk, element_id="review")
    result = engine.correlate("application_withdrawn", "SQ-7", {"reason": "材料有误"})
    assert [i.pk for i in result.instances] == [instance.pk]
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.COMPLETED and instance.variables["reason"] == "材料有误"
    assert "end_withdrawn" in engine.diagram_state(instance)["completed"]
    item.refresh_from_db()
    assert item.status == WorkItemStatus.CANCELLED
