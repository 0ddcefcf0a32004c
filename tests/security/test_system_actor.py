"""Events no person caused name the job, flow, command or outside system that did (``系统（…）``), and one run's
events share a request id."""

import datetime as dt

import pytest
from django.core.management import call_command

from flows.sweeps import escalate_overdue_items
from security import audit
from security.chain import verify_chain
from security.context import system_actor
from security.models import AuditEvent
from tasks.contract import InstanceRef, ReadyTask
from tasks.models import WorkItem
from tasks.sync import sync_instance_tasks

pytestmark = pytest.mark.django_db


def _overdue_item(n: int) -> None:
    ref = InstanceRef(id=900 + n, process_key="demo", process_name="演示", version=1, district_code="310115")
    sync_instance_tasks(ref, [ReadyTask(task_id=f"t-{n}", element_id="accept", name="受理", lane="case_officer")])
    WorkItem.objects.filter(task_id=f"t-{n}").update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))


def test_a_management_command_is_named_as_the_actor_of_what_it_does(directory):
    _overdue_item(1)
    _overdue_item(2)
    call_command("escalate_overdue")
    events = list(AuditEvent.objects.filter(action="tasks.overdue"))
    assert len(events) == 2
    assert {(e.actor_id, e.actor_username) for e in events} == {(None, "系统（manage.py escalate_overdue）")}
    assert len({e.request_id for e in events}) == 1 and events[0].request_id  # one run, one id
    assert verify_chain().ok


def test_a_scheduled_flow_is_named_as_the_actor(directory):
    _overdue_item(3)
    assert escalate_overdue_items.fn() == 1
    event = AuditEvent.objects.get(action="tasks.overdue")
    assert event.actor is None and event.actor_username == "系统（超期督办扫描）"
    assert verify_chain().ok


def test_a_person_acting_inside_a_job_stays_the_actor(user):
    with system_actor("测试作业"):
        mine = audit.record(action="demo.by_person", actor=user("officer_pd"))
        system = audit.record(action="demo.by_system")
    outside = audit.record(action="demo.outside")
    assert (mine.actor_username, system.actor_username, outside.actor_username) == (
        "officer_pd", "系统（测试作业）", ""
    )
    assert verify_chain().ok
