from processes import engine
from processes.models import InstanceStatus

from .conftest import ready_tasks, round_trip


def test_parallel_branches_and_an_embedded_subprocess_join(publish, user):
    publish("nested")
    instance = engine.start("test_nested", variables={"district_code": "310115"}, acting_user=user("officer_pd"))
    tasks = ready_tasks(instance)
    assert set(tasks) == {"inspect", "sign"}
    assert set(engine.diagram_state(round_trip(instance))["active"]) >= {"inspect", "sign", "check"}
    instance = engine.complete_task(instance.pk, tasks["inspect"], data={"result": "合格"}, acting_user=user("officer_pd"))
    assert list(ready_tasks(instance)) == ["sign"]
    assert round_trip(instance).status == InstanceStatus.RUNNING
    instance = engine.complete_task(instance.pk, tasks["sign"], data={}, acting_user=user("approver_pd"))
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.variables["result"] == "合格"
    elements = [h.element_id for h in engine.instance_history(instance)]
    assert elements.count("inspect") == 1 and elements[-1] == "end" and "check" in elements
