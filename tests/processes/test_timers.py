from datetime import timedelta

import pytest
from django.utils import timezone

from processes import engine
from processes.models import InstanceStatus, ProcessHistory, ProcessTimer, TimerStatus

from .conftest import ready_tasks, round_trip


@pytest.fixture
def deadline(publish):
    return publish("deadline")


def _start(user, notice_date="2030-01-10"):
    return engine.start(
        "test_deadline", variables={"district_code": "310115", "notice_date": notice_date},
        acting_user=user("officer_pd"),
    )


def test_boundary_timers_become_rows_with_their_due_time(deadline, user):
    before = timezone.now()
    instance = _start(user)
    timers = {t.element_id: t for t in ProcessTimer.objects.filter(instance=instance)}
    assert set(timers) == {"overdue", "reminder"}
    assert timers["reminder"].kind == "duration"
    assert before + timedelta(hours=1) <= timers["reminder"].due_at <= timezone.now() + timedelta(hours=1)
    assert timedelta(days=5) - timedelta(minutes=1) < timers["overdue"].due_at - before < timedelta(days=5, minutes=1)


def test_non_interrupting_timer_fires_once_and_keeps_the_task(deadline, user):
    instance = _start(user)
    later = timezone.now() + timedelta(hours=2)
    fired = engine.fire_due_timers(now=later)
    assert [f.element_id for f in fired] == ["reminder"]
    assert fired[0].lateness_seconds > 3000  # due an hour ago from "later"
    assert engine.fire_due_timers(now=later) == []  # idempotent: a second sweep fires nothing
    instance = round_trip(instance)
    assert list(ready_tasks(instance)) == ["answer"]
    assert ProcessHistory.objects.filter(instance=instance, element_id="remind").count() == 1
    assert ProcessTimer.objects.get(instance=instance, element_id="reminder").status == TimerStatus.FIRED


def test_interrupting_timer_cancels_the_task_and_escalates(deadline, user):
    instance = _start(user)
    fired = engine.fire_due_timers(now=timezone.now() + timedelta(days=6))
    assert {f.element_id for f in fired} == {"reminder", "overdue"}
    instance = round_trip(instance)
    assert list(ready_tasks(instance)) == ["escalate"]
    assert engine.fire_due_timers(now=timezone.now() + timedelta(days=7)) == []


def test_answering_in_time_cancels_the_boundary_timers_and_waits_for_the_date(deadline, user):
    instance = _start(user, notice_date="2030-01-10")
    instance = engine.complete_task(instance.pk, ready_tasks(instance)["answer"], data={}, acting_user=user("officer_pd"))
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.WAITING
    rows = {t.element_id: t.status for t in ProcessTimer.objects.filter(instance=instance)}
    assert rows == {"overdue": TimerStatus.CANCELLED, "reminder": TimerStatus.CANCELLED, "cooling": TimerStatus.PENDING}
    cooling = ProcessTimer.objects.get(instance=instance, element_id="cooling")
    assert cooling.kind == "date" and cooling.due_at.isoformat() == "2030-01-10T01:00:00+00:00"
    assert engine.fire_due_timers(now=cooling.due_at - timedelta(seconds=1)) == []
    fired = engine.fire_due_timers(now=cooling.due_at + timedelta(minutes=3))
    assert [f.element_id for f in fired] == ["cooling"] and fired[0].lateness_seconds == 180
    assert round_trip(instance).status == InstanceStatus.COMPLETED


def test_a_suspended_instance_keeps_its_timer_until_resumed(deadline, user):
    instance = _start(user)
    engine.suspend(instance.pk, acting_user=user("admin"), reason="核查")
    assert engine.fire_due_timers(now=timezone.now() + timedelta(hours=2)) == []
    engine.resume(instance.pk, acting_user=user("admin"))
    assert [f.element_id for f in engine.fire_due_timers(now=timezone.now() + timedelta(hours=2))] == ["reminder"]


def test_timers_of_suspended_instances_do_not_starve_the_others(deadline, user):
    """A sweep handles at most ``limit`` timers; held ones (suspended, failed) must not take those places."""
    held = [_start(user) for _ in range(2)]
    for instance in held:
        engine.suspend(instance.pk, acting_user=user("admin"), reason="核查")
    ProcessTimer.objects.filter(instance__in=held).update(due_at=timezone.now() - timedelta(days=1))
    runnable = _start(user)
    fired = engine.fire_due_timers(now=timezone.now() + timedelta(hours=2), limit=2)
    assert [(f.instance_id, f.element_id) for f in fired] == [(runnable.pk, "reminder")]


def test_fire_timers_command_reports_lateness(deadline, user):
    from io import StringIO

    from django.core.management import call_command

    instance = _start(user)
    ProcessTimer.objects.filter(instance=instance, element_id="reminder").update(
        due_at=timezone.now() - timedelta(minutes=2)
    )
    out = StringIO()
    call_command("fire_timers", stdout=out)
    assert "fired reminder" in out.getvalue() and "1 timer(s) fired" in out.getvalue()


def test_cycle_timer_fires_each_occurrence_once(publish, user):
    publish("cycle")
    instance = engine.start("test_cycle", variables={"district_code": "310115"}, acting_user=user("officer_pd"))
    [row] = ProcessTimer.objects.filter(instance=instance)
    assert row.kind == "cycle"
    later = timezone.now() + timedelta(hours=3)
    assert [f.element_id for f in engine.fire_due_timers(now=later)] == ["every_hour"]
    assert [f.element_id for f in engine.fire_due_timers(now=later)] == ["every_hour"]  # the second occurrence
    assert engine.fire_due_timers(now=later) == []  # R2: no third
    instance = round_trip(instance)
    assert ProcessHistory.objects.filter(instance=instance, element_id="remind").count() == 2
    assert list(ready_tasks(instance)) == ["work"]
    assert not ProcessTimer.objects.filter(instance=instance, status=TimerStatus.PENDING).exists()


def test_working_day_deadline_skips_the_weekend(publish, user):
    import datetime as dt

    from decisions.calendar import add_working_days

    publish("statutory")
    instance = engine.start("test_statutory", variables={"filed_on": "2030-01-04"}, acting_user=user("officer_pd"))
    instance = round_trip(instance)
    expected = add_working_days(dt.date(2030, 1, 4), 2)  # a Friday
    assert expected == dt.date(2030, 1, 8)  # Saturday and Sunday are not working days
    assert instance.variables["deadline"] == expected.isoformat() and instance.variables["days_left"] == 2
    [timer] = ProcessTimer.objects.filter(instance=instance)
    assert timezone.localtime(timer.due_at).date() == expected and timezone.localtime(timer.due_at).hour == 0
