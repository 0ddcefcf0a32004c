import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from processes import engine
from processes.engine import definitions
from processes.engine.migration import migrate_instances
from processes.models import InstanceStatus

from .conftest import FIXTURES, ready_tasks, round_trip

EXTRA_STEP = """<bpmn:sequenceFlow id="f4" sourceRef="review" targetRef="stamp"/>
    <bpmn:scriptTask id="stamp" name="盖章"><bpmn:script>stamped = True</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f4b" sourceRef="stamp" targetRef="notify"/>"""


@pytest.fixture
def versions(db, tmp_path):
    directory = tmp_path / "review"
    shutil.copytree(FIXTURES / "review", directory)
    [(v1, _)] = definitions.publish_directory(directory)

    def publish_v2(old: str, new: str):
        path = directory / "review.bpmn"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        [(v2, _)] = definitions.publish_directory(directory)
        return v2

    return v1, publish_v2


def _at_review(user):
    officer = user("officer_pd")
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)
    return engine.complete_task(instance.pk, ready_tasks(instance)["fill"], data={"amount": 90}, acting_user=officer)


def test_dry_run_lists_changes_and_saves_nothing(versions, user):
    v1, publish_v2 = versions
    instance = _at_review(user)
    v2 = publish_v2('<bpmn:sequenceFlow id="f4" sourceRef="review" targetRef="notify"/>', EXTRA_STEP)
    [plan] = migrate_instances("test_review", dry_run=True)
    assert plan.safe and not plan.migrated and plan.added == ["stamp"] and plan.reasons == []
    assert (plan.from_version, plan.to_version) == (1, v2.version)
    assert round_trip(instance).definition == v1


def test_safe_instances_move_to_the_new_version_and_run_on_it(versions, user):
    _v1, publish_v2 = versions
    instance = _at_review(user)
    v2 = publish_v2('<bpmn:sequenceFlow id="f4" sourceRef="review" targetRef="notify"/>', EXTRA_STEP)
    [plan] = migrate_instances("test_review", acting_user=user("admin"))
    assert plan.migrated
    instance = round_trip(instance)
    assert instance.definition == v2 and list(ready_tasks(instance)) == ["review"]
    instance = engine.complete_task(instance.pk, ready_tasks(instance)["review"], data={"opinion": "同意"},
                                    acting_user=user("reviewer_pd"))
    instance = round_trip(instance)
    assert instance.status == InstanceStatus.COMPLETED and instance.variables["stamped"] is True


def test_instances_at_a_removed_element_are_refused_in_bulk(versions, user):
    v1, publish_v2 = versions
    at_review = _at_review(user)
    at_fill = engine.start("test_review", variables={"district_code": "310115"}, acting_user=user("officer_pd"))
    publish_v2('targetRef="review">', 'targetRef="notify">')  # the gateway now skips review…
    publish_v2('<bpmn:userTask id="review" name="审核">', '<bpmn:userTask id="review2" name="审核">')
    out = StringIO()
    call_command("migrate_instances", "test_review", stdout=out)
    assert f"instance {at_review.pk}: v1 -> v3 REFUSED" in out.getvalue()
    assert "1 migrated, 1 refused" in out.getvalue()
    assert round_trip(at_review).definition == v1
    assert round_trip(at_fill).definition.version == 3


def test_a_new_version_that_offers_a_task_to_a_missing_party_variable_is_refused(versions, user, directory):
    _v1, publish_v2 = versions
    without = _at_review(user)
    officer = user("officer_pd")
    with_party = engine.start("test_review", variables={"district_code": "310115",
                                                        "party_org": directory["contractor"].pk}, acting_user=officer)
    publish_v2('name="reviewer"', 'name="enterprise_operator"')  # the review goes to a party named by a variable
    publish_v2('<spiffworkflow:property name="fourEyes" value="fill"/>',
               '<spiffworkflow:property name="fourEyes" value="fill"/>'
               '<spiffworkflow:property name="candidateOrganisation" value="{party_org}"/>')
    plans = {p.instance_id: p for p in migrate_instances("test_review", dry_run=True)}
    assert not plans[without.pk].safe
    assert plans[without.pk].reasons == ["新版本的环节 review 按流程变量 party_org 确定办理单位，而该实例没有此变量"]
    assert plans[with_party.pk].safe
