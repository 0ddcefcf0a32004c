import datetime as dt

import pytest

from flows.serve import collect
from flows.sweeps import certificate_expiry_sweep, escalate_overdue_items
from tasks.contract import InstanceRef, ReadyTask
from tasks.models import WorkItem
from tasks.sync import sync_instance_tasks


@pytest.mark.django_db
def test_overdue_sweep_escalates_once(directory):
    ref = InstanceRef(id=991, process_key="demo", process_name="演示", version=1, district_code="310115")
    sync_instance_tasks(ref, [ReadyTask(task_id="t-1", element_id="accept", name="受理", lane="case_officer",
                                        properties={"dueIn": "PT1H"})])
    WorkItem.objects.filter(task_id="t-1").update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert escalate_overdue_items.fn() == 1
    assert escalate_overdue_items.fn() == 0  # escalated once only


@pytest.mark.django_db
def test_expiry_sweep_runs_and_both_are_scheduled(directory):
    assert set(certificate_expiry_sweep.fn()) == {"expiring", "expired"}
    names = {fl.name for fl, _ in collect()}
    assert {"inbox-escalate-overdue", "personnel-expiry-sweep"} <= names
