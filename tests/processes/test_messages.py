import pytest

from processes import engine
from processes.models import InstanceStatus, MessageSubscription

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


def test_a_suspended_waiter_is_skipped(messages, user):
    instance = _waiting(user, "XK-5")
    engine.suspend(instance.pk, acting_user=user("admin"))
    result = engine.correlate("permit_received", "XK-5", {"approved": True})
    assert result.skipped == [instance.pk] and result.nobody_waiting


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
