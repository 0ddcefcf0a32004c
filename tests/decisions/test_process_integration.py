"""A BPMN process routes on decisions evaluated by our DMN engine (business-rule tasks, contracts §1/§3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from processes import engine
from processes.engine import definitions
from processes.models import InstanceStatus, ProcessHistory
from security.models import AuditEvent

FIXTURE = Path(__file__).parent / "fixtures" / "enforcement"


@pytest.fixture
def published(db):
    return definitions.publish_directory(FIXTURE, procedure="test_decisions_enforcement")


def _run(**variables):
    return engine.start("test_decisions_enforcement", variables={"district_code": "310115", **variables})


def test_the_gateway_follows_the_decision_and_the_explanation_reaches_history_and_audit(published):
    instance = _run(
        violations=3, rectified=False, serious=False, wage_arrears=True, accidents=1, attendance_coverage=0.95
    )
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.variables["action"] == "withdraw"
    assert instance.variables["points"] == 15  # COLLECT SUM: 10 for arrears + 5 × 1 accident
    assert "end_withdraw" in engine.diagram_state(instance)["completed"]
    row = ProcessHistory.objects.get(instance=instance, element_id="decide")
    assert "规则 3（违规超过2次且未整改） → 处理=withdraw" in row.outcome
    assert row.details["matched"] == [
        {"rule_id": "action_withdraw", "index": 3, "annotation": "违规超过2次且未整改"}
    ]
    audit = AuditEvent.objects.filter(action="process.decision", data__instance_id=instance.pk)
    assert audit.count() == 2


@pytest.mark.parametrize(
    ("variables", "end"),
    [
        ({"violations": 1, "rectified": False, "serious": True}, "end_rectify"),  # high risk → suspend
        ({"violations": 1, "rectified": True, "serious": False}, "end_none"),
        ({"violations": 0, "rectified": False, "serious": False}, "end_none"),
    ],
)
def test_other_routes(published, variables, end):
    instance = _run(**variables, wage_arrears=False, accidents=0, attendance_coverage=1)
    assert instance.status == InstanceStatus.COMPLETED
    assert end in engine.diagram_state(instance)["completed"]


def test_no_matching_rule_stops_the_process_with_an_incident_a_person_can_read(published):
    instance = _run(
        violations=-1, rectified=False, serious=False, wage_arrears=False, accidents=0, attendance_coverage=1
    )
    assert instance.status == InstanceStatus.ERROR
    assert instance.error_element_id == "decide"
    assert "没有规则与输入匹配" in instance.error_message
