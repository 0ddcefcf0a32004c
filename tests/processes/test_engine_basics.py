import pytest

from domain.errors import ConflictError
from processes import engine
from processes.models import InstanceStatus, ProcessHistory

from . import services
from .conftest import ready_tasks, round_trip


@pytest.fixture
def review(publish):
    return publish("review")


def test_start_runs_until_a_user_task_waits(review, user):
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=user("officer_pd"))
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.RUNNING
    assert list(ready_tasks(instance)) == ["fill"]
    assert instance.definition == review
    assert instance.variables["district_code"] == "310115"
    assert instance.variables["initiator_org_id"] == user("officer_pd").organisation_id


def test_big_amount_routes_to_review_then_calls_the_service(review, user):
    officer = user("officer_pd")
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)
    instance = engine.complete_task(instance.pk, ready_tasks(instance)["fill"], data={"amount": 80}, acting_user=officer)
    instance = round_trip(instance)
    assert list(ready_tasks(instance)) == ["review"]
    assert instance.variables["score"] == 160
    assert instance.variables["tags"] == ["A"]
    instance = engine.complete_task(
        instance.pk, ready_tasks(instance)["review"], data={"opinion": "同意"}, acting_user=user("reviewer_pd")
    )
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.variables["notice"] == {"sent": True, "text": "审核结果：同意"}
    assert services.CALLS[-1]["element"] == "notify"
    rows = list(ProcessHistory.objects.filter(instance=instance).values_list("element_id", flat=True))
    assert rows == ["start", "fill", "score", "gw", "review", "notify", "end_ok"]


def test_small_amount_takes_the_default_flow(review, user):
    officer = user("officer_pd")
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)
    instance = engine.complete_task(instance.pk, ready_tasks(instance)["fill"], data={"amount": 10}, acting_user=officer)
    assert round_trip(instance).status == InstanceStatus.COMPLETED
    gateway = ProcessHistory.objects.get(instance=instance, element_id="gw")
    assert gateway.details["taken"] == ["end_small"]


def test_completing_the_same_task_twice_is_a_conflict(review, user):
    officer = user("officer_pd")
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)
    task_id = ready_tasks(instance)["fill"]
    engine.complete_task(instance.pk, task_id, data={"amount": 80}, acting_user=officer)
    with pytest.raises(ConflictError):
        engine.complete_task(instance.pk, task_id, data={"amount": 90}, acting_user=officer)


def test_unknown_task_or_instance_is_refused_clearly(review, user):
    from domain.errors import NotVisibleError

    officer = user("officer_pd")
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)
    with pytest.raises(ConflictError):
        engine.complete_task(instance.pk, "not-a-uuid", data={"amount": 1}, acting_user=officer)
    with pytest.raises(ConflictError):
        engine.complete_task(instance.pk, "00000000-0000-0000-0000-000000000000", data={"amount": 1},
                             acting_user=officer)
    with pytest.raises(NotVisibleError):
        engine.complete_task(instance.pk + 1000, ready_tasks(instance)["fill"], data={"amount": 1}, acting_user=officer)


def test_an_unpublished_process_cannot_start(db):
    from domain.errors import ProcedureError

    with pytest.raises(ProcedureError, match="尚未发布"):
        engine.start("no_such_process")


def test_start_about_a_subject_links_it(review, user):
    officer = user("officer_pd")
    subject = officer.organisation
    instance = engine.start("test_review", subject=subject, variables={"district_code": "310101"}, acting_user=officer)
    instance = round_trip(instance)
    assert instance.subject == subject
    assert instance.initiator_org == officer.organisation
    assert instance.district_code == "310101" and instance.variables["district_code"] == "310101"


def test_state_from_an_older_serializer_version_is_migrated_on_load(review, user):
    from processes.engine.spiff import SERIALIZER_VERSION
    from processes.models import ProcessInstance

    officer = user("officer_pd")
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)
    task_id = ready_tasks(instance)["fill"]
    ProcessInstance.objects.filter(pk=instance.pk).update(serializer_version="1.4")  # as saved by Spiff 3.0
    instance = engine.complete_task(instance.pk, task_id, data={"amount": 10}, acting_user=officer)
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.COMPLETED and instance.serializer_version == SERIALIZER_VERSION
