import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from processes import engine
from processes.engine import definitions
from processes.models import ProcessDefinition

from .conftest import FIXTURES, ready_tasks


@pytest.fixture
def model(tmp_path):
    """A copy of the review fixture to break in one way per test."""
    directory = tmp_path / "review"
    shutil.copytree(FIXTURES / "review", directory)

    def edit(old: str, new: str, file: str = "review.bpmn"):
        path = directory / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
        return directory

    edit.directory = directory
    return edit


def _refused(directory) -> list[str]:
    with pytest.raises(engine.PublishError) as error:
        definitions.publish_directory(directory)
    assert not ProcessDefinition.objects.exists()
    return [str(p) for p in error.value.problems]


def test_republishing_unchanged_files_is_a_no_op(db, model):
    [(first, created)] = definitions.publish_directory(model.directory)
    [(again, created_again)] = definitions.publish_directory(model.directory)
    assert created and not created_again and again == first and first.version == 1
    assert set(first.bpmn_files) == {"review.bpmn"} and "fill.schema.json" in first.forms


def test_a_change_makes_a_new_version_and_running_instances_stay_pinned(db, model, user):
    [(v1, _)] = definitions.publish_directory(model.directory)
    old = engine.start("test_review", variables={"district_code": "310115"}, acting_user=user("officer_pd"))
    model('name="审核"', 'name="复核"')
    [(v2, created)] = definitions.publish_directory(model.directory)
    assert created and v2.version == 2 and v2.content_hash != v1.content_hash
    new = engine.start("test_review", variables={"district_code": "310115"}, acting_user=user("officer_pd"))
    assert new.definition == v2 and old.definition == v1
    old = engine.complete_task(old.pk, ready_tasks(old)["fill"], data={"amount": 90}, acting_user=user("officer_pd"))
    assert old.definition == v1 and list(ready_tasks(old)) == ["review"]
    with pytest.raises(ValueError):
        v1.save()  # definitions are immutable


def test_a_form_change_alone_makes_a_new_version(db, model):
    definitions.publish_directory(model.directory)
    model('"minimum": 0', '"minimum": 1', file="fill.schema.json")
    [(v2, created)] = definitions.publish_directory(model.directory)
    assert created and v2.version == 2


def test_refuses_bpmn_that_breaks_the_schema(db, model):
    problems = _refused(model('<bpmn:endEvent id="end_ok" name="办结"/>', '<bpmn:endEvent id="end_ok" name="办结"><bpmn:bogus/></bpmn:endEvent>'))
    assert problems and problems[0].startswith("review.bpmn [第") and "BPMN 校验失败" in problems[0]


def test_refuses_malformed_xml(db, model):
    problems = _refused(model("</bpmn:process>", "</bpmn:proces>"))
    assert "XML 格式错误" in problems[0] and problems[0].startswith("review.bpmn")


def test_refuses_an_unregistered_service(db, model):
    problems = _refused(model('id="test.notify"', 'id="test.nobody_registered_this"'))
    assert problems == ["review.bpmn [notify]：服务任务引用的服务 test.nobody_registered_this 未注册"]


def test_refuses_a_user_task_without_a_form(db, model):
    problems = _refused(model('<spiffworkflow:property name="formJsonSchemaFilename" value="review.schema.json"/>', ""))
    assert problems == ["review.bpmn [review]：用户任务缺少表单（formJsonSchemaFilename）"]


def test_refuses_a_missing_form_file(db, model):
    (model.directory / "review.schema.json").unlink()
    assert _refused(model.directory) == ["review.bpmn [review]：表单文件 review.schema.json 不存在"]


def test_refuses_a_form_that_is_not_json_schema(db, model):
    model('"type": "object"', '"type": "objekt"', file="review.schema.json")
    [problem] = _refused(model.directory)
    assert problem.startswith("review.bpmn [review]：表单 review.schema.json 不是有效的 JSON Schema")


def test_refuses_a_gateway_condition_outside_the_restricted_language(db, model):
    problems = _refused(model("score &gt; 100 and", "__import__('os').system('true') or score &gt; 100 and"))
    assert problems == ["review.bpmn [gw]：网关条件无法解析：表达式不允许使用 以下划线开头的名称 __import__"]


def test_refuses_a_gateway_condition_that_does_not_parse(db, model):
    [problem] = _refused(model("score &gt; 100 and", "score &gt;&gt; and"))
    assert problem.startswith("review.bpmn [gw]：网关条件无法解析：表达式语法错误")


def test_refuses_a_script_with_statements_outside_the_language(db, model):
    [problem] = _refused(model("score = amount * 2", "import os\nscore = amount * 2"))
    assert problem == "review.bpmn [score]：脚本无法解析：表达式不允许使用 Import"


def test_refuses_a_lane_that_is_not_a_role(db, model):
    problems = _refused(model('name="reviewer"', 'name="boss"'))
    assert problems == ["review.bpmn [review]：泳道 boss 不是已知角色代码"]


def test_refuses_a_candidate_organisation_that_is_not_a_variable_or_on_a_regulator_task(db, model):
    # the review task's lane is a regulator role: another party's organisation makes no sense there
    problems = _refused(model(
        '<spiffworkflow:property name="fourEyes" value="fill"/>',
        '<spiffworkflow:property name="fourEyes" value="fill"/>'
        '<spiffworkflow:property name="candidateOrganisation" value="contractor_org_id"/>',
    ))
    assert problems == [
        "review.bpmn [review]：candidateOrganisation 须为 {变量名} 形式，而不是 contractor_org_id",
        "review.bpmn [review]：candidateOrganisation 只能用于企业角色的任务，reviewer 不是企业角色",
    ]


def test_every_problem_is_reported_at_once(db, model):
    model('id="test.notify"', 'id="test.missing"')
    problems = _refused(model('name="reviewer"', 'name="boss"'))
    assert len(problems) == 2


def test_publish_command_fails_loudly_with_the_problems(db, model):
    model('id="test.notify"', 'id="test.missing"')
    with pytest.raises(CommandError, match=r"review.bpmn \[notify\]"):
        call_command("publish_processes", str(model.directory))


def test_shipped_models_publish_cleanly(db):
    pytest.importorskip("decisions.api", reason="shipped models name DMN decisions (contracts §3)")
    results = definitions.publish_all()
    assert results and all(created for _d, created in results)
    assert all(not created for _d, created in definitions.publish_all())


def test_publishing_a_version_is_audited_and_republishing_unchanged_files_is_not(db, model):
    from security.audit import history_for
    from security.chain import verify_chain

    call_command("publish_processes", str(model.directory))
    call_command("publish_processes", str(model.directory))  # unchanged: no new version, nothing to record
    model("填写申请", "填写申请表")
    call_command("publish_processes", str(model.directory))
    v1, v2 = ProcessDefinition.objects.order_by("version")
    for definition in (v1, v2):
        [event] = history_for(definition)
        assert event.action == "process.definition_published"
        assert event.actor is None and event.actor_username == "系统（manage.py publish_processes）"
        assert event.data["version"] == definition.version
        assert event.data["content_hash"] == definition.content_hash
    assert verify_chain().ok
