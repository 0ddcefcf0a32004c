from datetime import timedelta

import pytest
from django.utils import timezone

from processes import engine
from processes.models import InstanceStatus, MessageSubscription, ProcessTimer, TimerStatus

from .conftest import round_trip


@pytest.fixture
def race(publish):
    return publish("race")


def _start(user, key):
    return engine.start("test_race", business_key=key, acting_user=user("officer_pd"))


def test_a_reply_in_time_withdraws_the_deadline(race, user):
    instance = _start(user, "DB-1")
    assert ProcessTimer.objects.get(instance=instance).status == TimerStatus.PENDING
    assert MessageSubscription.objects.get(instance=instance).correlation_key == "DB-1"
    engine.correlate("reply_received", "DB-1", {"answer": "同意整改"})
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.COMPLETED and instance.variables["answer"] == "同意整改"
    assert "end_replied" in engine.diagram_state(instance)["completed"]
    assert ProcessTimer.objects.get(instance=instance).status == TimerStatus.CANCELLED
    assert engine.fire_due_timers(now=timezone.now() + timedelta(days=11)) == []


def test_the_deadline_withdraws_the_wait_for_a_reply(race, user):
    instance = _start(user, "DB-2")
    fired = engine.fire_due_timers(now=timezone.now() + timedelta(days=11))
    assert [f.element_id for f in fired] == ["wait"]  # the event-based gateway waits for both
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.COMPLETED
    assert "end_lapsed" in engine.diagram_state(instance)["completed"]
    assert not MessageSubscription.objects.filter(instance=instance).exists()
    assert engine.correlate("reply_received", "DB-2", {"answer": "迟到的答复"}).nobody_waiting
