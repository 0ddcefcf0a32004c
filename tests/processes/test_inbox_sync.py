import pytest

from domain.errors import ConflictError, PermissionDeniedError
from processes import engine
from processes.models import InstanceStatus
from tasks.models import WorkItem, WorkItemStatus

from .conftest import round_trip


@pytest.fixture
def review(publish):
    return publish("review")


def _item(instance, element_id):
    return WorkItem.objects.get(instance_id=instance.pk, element_id=element_id, status__in=["open", "claimed"])


def test_ready_user_tasks_become_work_items_and_are_completed_through_the_inbox(review, user):
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=user("officer_pd"))
    item = _item(instance, "fill")
    assert item.process_key == "test_review" and item.lane == "case_officer" and item.district_code == "310115"
    assert item.form["required"] == ["amount"]

    with pytest.raises(PermissionDeniedError):  # a Huangpu officer is not a candidate for a Pudong case
        engine.complete_work_item(item.pk, data={"amount": 80}, acting_user=user("officer_hp"))

    instance = engine.complete_work_item(item.pk, data={"amount": 80}, acting_user=user("officer_pd"))
    item.refresh_from_db()
    assert item.status == WorkItemStatus.COMPLETED and item.completed_by == user("officer_pd")
    review_item = _item(instance, "review")
    assert review_item.lane == "reviewer"

    with pytest.raises((ConflictError, PermissionDeniedError)):
        engine.complete_work_item(item.pk, data={"amount": 90}, acting_user=user("officer_pd"))

    instance = engine.complete_work_item(review_item.pk, data={"opinion": "同意"}, acting_user=user("reviewer_pd"))
    assert round_trip(instance).status == InstanceStatus.COMPLETED
    assert not WorkItem.objects.filter(instance_id=instance.pk, status__in=["open", "claimed"]).exists()


def test_terminating_withdraws_open_work_items(review, user):
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=user("officer_pd"))
    item = _item(instance, "fill")
    engine.terminate(instance.pk, acting_user=user("admin"), reason="撤回")
    item.refresh_from_db()
    assert item.status not in ("open", "claimed")
