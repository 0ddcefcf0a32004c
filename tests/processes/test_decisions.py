from datetime import timedelta

import pytest
from django.utils import timezone

from processes import engine
from processes.engine import definitions
from processes.models import InstanceStatus, ProcessHistory
from security.models import AuditEvent

from .conftest import FIXTURES, ready_tasks, round_trip


@pytest.fixture
def permit(publish, decision_tables):
    return publish("permit")


def _applied(user, amount):
    applicant = user("ent_contractor")
    instance = engine.start("test_permit", business_key=f"XK-{amount}", variables={"district_code": "310115"},
                            acting_user=applicant)
    return engine.complete_task(instance.pk, ready_tasks(instance)["apply"], data={"amount": amount},
                                acting_user=applicant)


def test_a_bpmn_process_routes_on_a_decision_evaluated_by_our_engine(permit, user):
    small = round_trip(_applied(user, 120))
    assert small.status == InstanceStatus.COMPLETED and small.variables["route"] == "auto"
    assert "end_auto" in engine.diagram_state(small)["completed"]

    big = round_trip(_applied(user, 500))
    assert big.variables["route"] == "review" and big.variables["notice_days"] == 5
    row = ProcessHistory.objects.get(instance=big, element_id="route")
    assert row.element_type == "BusinessRuleTask"
    assert row.details["matched"][0]["rule_id"] == "rule_big"
    assert row.outcome.startswith("决策“测试分流”：规则 1")
    audit = AuditEvent.objects.filter(action="process.decision").order_by("-id").first()
    assert audit.data["matched"][0]["rule_id"] == "rule_big" and audit.data["instance_id"] == big.pk


def test_start_user_task_decision_gateway_service_timer_message_end(permit, user):
    instance = round_trip(_applied(user, 500))
    assert instance.status == InstanceStatus.WAITING
    assert engine.diagram_state(instance)["active"] == ["notice"]
    assert engine.correlate("permit_issued", "XK-500", {"permit_no": "P-1"}).nobody_waiting  # not yet waiting
    fired = engine.fire_due_timers(now=timezone.now() + timedelta(days=5, minutes=1))
    assert [f.element_id for f in fired] == ["notice"]
    assert engine.diagram_state(round_trip(instance))["active"] == ["wait_permit"]
    result = engine.correlate("permit_issued", "XK-500", {"permit_no": "P-1"})
    assert [i.pk for i in result.instances] == [instance.pk]
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.COMPLETED and instance.variables["permit_no"] == "P-1"
    assert [h.element_id for h in engine.instance_history(instance)] == [
        "start", "apply", "route", "gw", "register", "notice", "wait_permit", "end",
    ]


def test_publish_refuses_a_business_rule_task_naming_an_unknown_decision(db, decision_tables, tmp_path):
    import shutil

    directory = tmp_path / "permit"
    shutil.copytree(FIXTURES / "permit", directory)
    path = directory / "permit.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace(">test_engine_route<", ">test_no_such_table<"))
    with pytest.raises(engine.PublishError) as error:
        definitions.publish_directory(directory)
    assert [str(p) for p in error.value.problems] == [
        "permit.bpmn [route]：业务规则任务引用的决策表 test_no_such_table 不存在"
    ]


def test_the_decision_table_is_part_of_the_definition(permit):
    assert list(permit.dmn_files) == ["decisions/route.dmn"]
    assert "test_engine_route" in permit.dmn_files["decisions/route.dmn"]


def test_running_definitions_keep_the_tables_they_were_published_with(permit, decision_tables, user, tmp_path):
    """The DMN text is part of the published definition; editing the table file changes nothing for it until a
    new version is published."""
    changed = tmp_path / "decisions"
    changed.mkdir()
    text = (FIXTURES / "decisions" / "route.dmn").read_text(encoding="utf-8")
    (changed / "route.dmn").write_text(text.replace("&gt;= 400", "&gt;= 100").replace("&lt; 400", "&lt; 100"),
                                       encoding="utf-8")
    original_roots = list(decision_tables.roots)
    decision_tables.roots = [r for r in original_roots if r != FIXTURES / "decisions"] + [changed]
    decision_tables.refresh(force=True)
    try:
        instance = round_trip(_applied(user, 120))
    finally:
        decision_tables.roots = original_roots
        decision_tables.refresh(force=True)
    assert instance.variables["route"] == "auto"  # the published table: 120 < 400
