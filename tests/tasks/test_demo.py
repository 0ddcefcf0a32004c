import pytest

from processes.engine import definitions
from processes.models import ProcessInstance
from tasks import demo
from tasks.models import WorkItem
from tasks.selectors import inbox_for
from tests.webapp.workflow.conftest import GA_DIR


@pytest.mark.django_db
def test_demo_cases_cover_every_state_and_reload_adds_nothing(directory, user):
    definitions.publish_directory(GA_DIR, procedure="general_application")
    demo.load(lambda _msg: None)
    demo.load(lambda _msg: None)
    assert ProcessInstance.objects.count() == 5
    assert ProcessInstance.objects.get(business_key="DEMO-GA-004").variables["outcome"] == "批准"
    open_elements = set(WorkItem.objects.filter(status="open").values_list("element_id", flat=True))
    assert open_elements == {"accept", "review", "approve", "supplement"}
    assert inbox_for(user("reviewer_pd"), "available", overdue=True).count() == 1
    assert inbox_for(user("ent_contractor"), "available").get().element_id == "supplement"
