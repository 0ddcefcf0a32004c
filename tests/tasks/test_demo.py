import pytest

from processes.engine import definitions
from processes.models import InstanceStatus, ProcessInstance
from security.models import AuditEvent
from tasks import demo
from tasks.models import WorkItem
from tasks.selectors import inbox_for
from tests.webapp.workflow.conftest import GA_DIR


@pytest.mark.django_db
def test_demo_cases_cover_every_state_and_reload_adds_nothing(directory, user):
    definitions.publish_directory(GA_DIR, procedure="general_application")
    demo.load(lambda _msg: None)
    demo.load(lambda _msg: None)
    assert ProcessInstance.objects.count() == 7
    # the administrator's interventions (流程管控), with their reasons on the audit trail
    assert ProcessInstance.objects.get(business_key="DEMO-GA-006").status == InstanceStatus.SUSPENDED
    assert ProcessInstance.objects.get(business_key="DEMO-GA-007").status == InstanceStatus.TERMINATED
    assert set(AuditEvent.objects.filter(action__in=["process.suspend", "process.terminate"])
               .values_list("actor__username", "data__reason")) == {
        ("admin", "企业书面申请暂缓办理，待桩基方案专家论证后恢复"), ("admin", "申请人书面撤回申请")}
    assert ProcessInstance.objects.get(business_key="DEMO-GA-004").variables["outcome"] == "批准"
    open_elements = set(WorkItem.objects.filter(status="open").values_list("element_id", flat=True))
    assert open_elements == {"accept", "review", "approve", "supplement"}
    assert inbox_for(user("reviewer_pd"), "available", overdue=True).count() == 1
    assert inbox_for(user("ent_contractor"), "available").get().element_id == "supplement"
