"""Masking personal data in copies written before the field was marked ``x-pii`` (processes.engine.redaction and
``manage.py redact_process_data``): version 1 of the fixture does not mark the phone and ID number, an instance runs
on it, version 2 marks them."""

import json
import shutil
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from processes import engine
from processes.engine import definitions, pii
from processes.engine.redaction import AUDIT_ACTION, redact_existing
from processes.engine.session import all_tasks, variables_of
from processes.engine.spiff import load_state
from processes.models import InstanceStatus, ProcessHistory, ProcessInstance
from security.context import system_actor
from security.models import AuditEvent
from tasks.models import WorkItem
from webapp.workflow.formrender import render_form

from .conftest import FIXTURES, ready_tasks

PHONE, ID_NUMBER = "13812345678", "310101199001011234"
OTHER_PHONE = "13987654321"
MARK = ', "x-pii": true'
SUMMARY = '<spiffworkflow:property name="formJsonSchemaFilename" value="contact.schema.json"/>'

pytestmark = pytest.mark.django_db


def _fill(officer, phone, id_number):
    instance = engine.start("test_personal", variables={"district_code": "310115", "phone": phone},
                            acting_user=officer)
    data = {"contact": "杨帆", "phone": phone, "witnesses": [{"name": "李梅", "id_number": id_number}]}
    return engine.complete_task(instance.pk, ready_tasks(instance)["contact"], data=data, acting_user=officer)


@pytest.fixture
def cases(tmp_path, user, publish):
    """``old``: ran to its end on version 1 (nothing marked), so every readable copy holds the values as typed;
    ``new``: ran on version 2 (phone and ID number marked); ``review``: another process whose ``phone`` is not
    personal data in any version."""
    directory = tmp_path / "personal"
    shutil.copytree(FIXTURES / "personal", directory)
    form = directory / "contact.schema.json"
    marked = form.read_text(encoding="utf-8")
    assert marked.count(MARK) == 2
    form.write_text(marked.replace(MARK, ""), encoding="utf-8")
    bpmn = directory / "personal.bpmn"  # the work item's summary line repeats the phone
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(
        SUMMARY, SUMMARY + '<spiffworkflow:property name="summary" value="联系电话 {phone}"/>'), encoding="utf-8")
    [(v1, _)] = definitions.publish_directory(directory, procedure="personal")
    officer = user("officer_pd")
    old = _fill(officer, PHONE, ID_NUMBER)
    form.write_text(marked, encoding="utf-8")
    [(v2, _)] = definitions.publish_directory(directory, procedure="personal")
    assert (v1.version, v2.version) == (1, 2) and pii.declared(v1) == frozenset()
    new = _fill(officer, OTHER_PHONE, ID_NUMBER)
    publish("review")
    review = engine.start("test_review", variables={"district_code": "310115", "phone": PHONE}, acting_user=officer)
    assert old.status == new.status == InstanceStatus.COMPLETED
    return old, new, review


def test_a_mark_added_by_a_new_version_covers_the_running_instances_of_older_ones(tmp_path, user, monkeypatch):
    """Once version 2 marks the phone, an instance still running on version 1 masks it from its next step on: at
    once in the process that published version 2, within a minute in the others (they re-read the marks)."""
    directory = tmp_path / "personal"
    shutil.copytree(FIXTURES / "personal", directory)
    form = directory / "contact.schema.json"
    marked = form.read_text(encoding="utf-8")
    form.write_text(marked.replace(MARK, ""), encoding="utf-8")
    definitions.publish_directory(directory, procedure="personal")
    officer = user("officer_pd")
    waiting = engine.start("test_personal", variables={"district_code": "310115", "phone": PHONE},
                           acting_user=officer)
    other = engine.start("test_personal", variables={"district_code": "310115", "phone": OTHER_PHONE},
                         acting_user=officer)
    form.write_text(marked, encoding="utf-8")
    definitions.publish_directory(directory, procedure="personal")
    data = {"contact": "杨帆", "phone": PHONE, "witnesses": [{"name": "李梅", "id_number": ID_NUMBER}]}
    done = engine.complete_task(waiting.pk, ready_tasks(waiting)["contact"], data=data, acting_user=officer)
    assert done.definition.version == 1 and done.status == InstanceStatus.COMPLETED
    copies = _text(_copies(done))
    assert ID_NUMBER not in copies and "310***********1234" in copies
    assert done.data["phone"] == "138****5678"
    # another process read version 1's marks before version 2 existed: it masks by them until they are a minute old
    pii._ANY_VERSION["test_personal"] = (time.monotonic(), 10**9, frozenset())
    assert pii.masked_names(done.definition) == frozenset()
    data = {"contact": "杨帆", "phone": OTHER_PHONE, "witnesses": [{"name": "李梅", "id_number": ID_NUMBER}]}
    monkeypatch.setattr(pii, "ANY_VERSION_TTL", -1.0)  # the minute has passed
    later = engine.complete_task(other.pk, ready_tasks(other)["contact"], data=data, acting_user=officer)
    assert ID_NUMBER not in _text(_copies(later)) and later.data["phone"] == "139****4321"


def _copies(instance):
    """Every readable copy of the instance: snapshot, history details, work items' data and summary."""
    return {
        "data": ProcessInstance.objects.get(pk=instance.pk).data,
        "history": list(ProcessHistory.objects.filter(instance_id=instance.pk).order_by("pk")
                        .values_list("details", flat=True)),
        "items": list(WorkItem.objects.filter(instance_id=instance.pk).order_by("pk").values_list("data", "summary")),
    }


def _stored_row(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT state, revision, updated_at FROM processes_processinstance WHERE id = %s", [pk])
        return cursor.fetchone()


def _text(copies):
    return json.dumps(copies, ensure_ascii=False)


def _redact(**kwargs):
    with system_actor("测试补遮蔽"):
        return redact_existing(**kwargs)


@pytest.mark.parametrize("batch_size", [500, 1])
def test_copies_written_before_the_mark_are_masked_everywhere(cases, batch_size):
    old, new, review = cases
    before = _copies(old)
    assert PHONE in _text(before) and ID_NUMBER in _text(before)
    assert before["items"][0][1] == f"联系电话 {PHONE}"
    new_before, review_before = _copies(new), _copies(review)

    report = _redact(batch_size=batch_size)

    after = _copies(old)
    assert PHONE not in _text(after) and ID_NUMBER not in _text(after)
    assert after["data"]["phone"] == "138****5678"
    assert after["data"]["witnesses"] == [{"name": "李梅", "id_number": "310***********1234"}]
    assert after["data"]["notice"]["text"] == "致电 138****5678"  # copied into a service's result
    assert after["data"]["contact"] == "杨帆" and after["data"]["district_code"] == "310115"  # not marked
    contact = ProcessHistory.objects.get(instance_id=old.pk, element_id="contact").details
    assert contact["data"] == {"contact": "杨帆", "phone": "138****5678",
                               "witnesses": [{"name": "李梅", "id_number": "310***********1234"}]}
    [(item_data, item_summary)] = after["items"]
    assert item_data["phone"] == "138****5678" and item_data["contact"] == "杨帆"
    assert item_summary == "联系电话 138****5678"
    # already masked on version 2, and not personal data in the other process: untouched
    assert _copies(new) == new_before
    assert _copies(review) == review_before and _copies(review)["data"]["phone"] == PHONE

    assert (report.instances_scanned, report.instances_changed, report.history_changed,
            report.work_items_changed) == (2, 1, 1, 1)
    assert report.by_key["test_personal"].names == ["id_number", "phone"]
    assert report.by_key["test_review"].names == [] and report.by_key["test_review"].instances_scanned == 0


def test_nothing_is_lost_the_encrypted_state_is_not_touched(cases):
    old, new, _review = cases
    stored = _stored_row(old.pk)
    _redact()
    assert _stored_row(old.pk) == stored  # state ciphertext, revision and updated_at as they were
    instance = ProcessInstance.objects.select_related("definition").get(pk=old.pk)
    spec, subprocess_specs = definitions.specs_for(instance.definition)
    workflow = load_state(instance.state, instance.serializer_version, spec, subprocess_specs)
    variables = variables_of(workflow, all_tasks(workflow))
    assert variables["phone"] == PHONE and variables["witnesses"][0]["id_number"] == ID_NUMBER
    assert variables["notice"]["text"] == f"致电 {PHONE}"
    assert pii.disclosed_value(ProcessInstance.objects.get(pk=new.pk), "phone") == OTHER_PHONE


def test_a_value_masked_because_a_later_version_marks_it_can_still_be_disclosed(cases):
    old, _new, review = cases
    _redact()
    instance = ProcessInstance.objects.select_related("definition").get(pk=old.pk)
    assert pii.declared(instance.definition) == frozenset()  # its own version marks nothing
    assert pii.declared_in_any_version("test_personal") == {"phone", "id_number"}
    assert pii.disclosed_value(instance, "phone") == PHONE  # the case page's 显示 reads it from the state
    assert pii.disclosed_value(instance, "contact") is None  # never marked: not offered
    assert pii.disclosed_value(ProcessInstance.objects.get(pk=review.pk), "phone") is None
    schema = {"type": "object", "properties": {"phone": {"type": "string", "title": "电话"},
                                               "contact": {"type": "string", "title": "联系人"}}}
    html = render_form(schema, None, instance.data, readonly=True, disclose=lambda key: f"/disclose/{key}/",
                       personal=pii.declared_in_any_version("test_personal"))
    assert 'hx-post="/disclose/phone/"' in html and "/disclose/contact/" not in html


def test_a_dry_run_counts_and_changes_nothing(cases):
    old, new, review = cases
    before = [_copies(i) for i in (old, new, review)]
    dry = _redact(dry_run=True)
    assert [_copies(i) for i in (old, new, review)] == before
    assert not AuditEvent.objects.filter(action=AUDIT_ACTION).exists()
    assert dry.dry_run and "需改写" in dry.summary()
    real = _redact()
    assert dry.as_data() | {"dry_run": False} == real.as_data()
    assert (dry.instances_changed, dry.history_changed, dry.work_items_changed) == (1, 1, 1)


def test_a_second_run_changes_nothing(cases):
    old, new, _review = cases
    _redact()
    once = [_copies(old), _copies(new)]
    again = _redact()
    assert [_copies(old), _copies(new)] == once
    assert again.instances_scanned == 2 and not again.changed
    assert (again.instances_changed, again.history_changed, again.work_items_changed) == (0, 0, 0)


def test_each_run_leaves_one_audit_event_with_the_counts(cases):
    _redact(process_key="test_personal")
    [event] = AuditEvent.objects.filter(action=AUDIT_ACTION)
    assert event.actor_id is None and event.actor_username == "系统（测试补遮蔽）"
    assert event.summary.startswith("流程数据个人信息补遮蔽：")
    assert event.data["instances_changed"] == 1 and event.data["history_changed"] == 1
    assert event.data["by_key"]["test_personal"]["work_items_changed"] == 1
    assert list(event.data["by_key"]) == ["test_personal"]
    assert PHONE not in _text(event.data) and ID_NUMBER not in _text(event.data)


def test_the_command_prints_the_counts(cases):
    out = StringIO()
    call_command("redact_process_data", "--process", "test_personal", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "流程 test_personal（个人信息字段：id_number、phone）：检查实例 2 个，需改写实例变量 1 个、办理记录 1 条、待办 1 条",
        "合计：检查实例 2 个，需改写实例变量 1 个、办理记录 1 条、待办 1 条（试运行，未写入）",
    ]
    assert not AuditEvent.objects.filter(action=AUDIT_ACTION).exists()
    out = StringIO()
    call_command("redact_process_data", stdout=out)
    lines = out.getvalue().splitlines()
    assert "流程 test_review：未标记个人信息字段，无需处理" in lines
    assert lines[-1] == "合计：检查实例 2 个，已改写实例变量 1 个、办理记录 1 条、待办 1 条"
    [event] = AuditEvent.objects.filter(action=AUDIT_ACTION)
    assert event.actor_username == "系统（manage.py redact_process_data）"
    assert PHONE not in _text(_copies(cases[0]))


def test_the_command_refuses_an_unknown_process(cases):
    with pytest.raises(CommandError, match="没有标识为 no_such_process 的已发布流程"):
        call_command("redact_process_data", "--process", "no_such_process", stdout=StringIO())
    assert not AuditEvent.objects.filter(action=AUDIT_ACTION).exists()


def test_a_run_that_fails_part_way_records_the_batches_it_wrote(cases, monkeypatch):
    from processes.engine import redaction

    old, new, _review = cases
    real_batch = redaction._redact_batch
    calls = []

    def failing(ids, *args):
        calls.append(ids)
        if len(calls) > 1:
            raise RuntimeError("数据库连接中断")
        return real_batch(ids, *args)

    monkeypatch.setattr(redaction, "_redact_batch", failing)
    with pytest.raises(RuntimeError):
        _redact(batch_size=1)
    assert calls == [[old.pk], [new.pk]]
    assert PHONE not in _text(_copies(old))  # the first batch is committed…
    [event] = AuditEvent.objects.filter(action=AUDIT_ACTION)  # …and on the record
    assert event.data["complete"] is False and event.data["instances_changed"] == 1
    assert event.summary.endswith("（运行中断，其余未处理）")
