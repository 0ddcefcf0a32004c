"""Process versions and migration (流程版本与迁移) on the pages: the administrator's list of processes with the active
cases per version, a process's versions with the dry run of migrating its older cases, and the migration of the
safe ones with a reason (one summary audit event); refusals redraw the page with a 4xx and migrate nothing."""

from __future__ import annotations

import re
import shutil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processes import engine
from processes.engine import definitions
from processes.models import InstanceStatus, ProcessInstance
from security.models import AuditEvent
from webapp.nav import items_for

from .conftest import FIXTURES, ready_tasks

pytestmark = pytest.mark.django_db

# v2 drops the review step (the gateway goes straight to notify; what is left of it is an unreachable task under
# another id) and stamps the application after fill: a case waiting at review (reached) cannot move, one still at
# fill can (its fill task is reset onto the new fill, which now leads to the stamp)
CHANGES = [
    ('targetRef="review">', 'targetRef="notify">'),
    ("<bpmn:flowNodeRef>review</bpmn:flowNodeRef>", "<bpmn:flowNodeRef>review2</bpmn:flowNodeRef>"),
    ('sourceRef="review"', 'sourceRef="review2"'),
    ('<bpmn:userTask id="review"', '<bpmn:userTask id="review2"'),
    ('<bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="score"/>',
     '<bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="stamp"/>'
     '<bpmn:scriptTask id="stamp" name="盖章"><bpmn:script>stamped = True</bpmn:script></bpmn:scriptTask>'
     '<bpmn:sequenceFlow id="f2b" sourceRef="stamp" targetRef="score"/>'),
]


@pytest.fixture
def versions(db, tmp_path):
    """Publish ``test_review`` v1; ``publish_v2()`` publishes v2 (:data:`CHANGES`)."""
    directory = tmp_path / "review"
    shutil.copytree(FIXTURES / "review", directory)
    [(v1, _)] = definitions.publish_directory(directory)

    def publish_v2():
        path = directory / "review.bpmn"
        text = path.read_text(encoding="utf-8")
        for old, new in CHANGES:
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
        [(v2, _)] = definitions.publish_directory(directory)
        return v2

    return v1, publish_v2


def _start(user):
    return engine.start("test_review", variables={"district_code": "310115"}, acting_user=user("officer_pd"))


def _fill(user, instance, amount):
    return engine.complete_task(instance.pk, ready_tasks(instance)["fill"], data={"amount": amount},
                                acting_user=user("officer_pd"))


@pytest.fixture
def world(versions, user):
    """On v1: two cases at fill (safe to move), one at review (unsafe: review is gone in v2), one completed; then v2
    is published and one case started on it."""
    v1, publish_v2 = versions
    at_fill = [_start(user), _start(user)]
    at_review = _fill(user, _start(user), 90)
    done = _fill(user, _start(user), 10)
    assert done.status == InstanceStatus.COMPLETED and at_review.status != InstanceStatus.COMPLETED
    v2 = publish_v2()
    on_v2 = _start(user)
    return {"v1": v1, "v2": v2, "at_fill": at_fill, "at_review": at_review, "done": done, "on_v2": on_v2}


def _as(client, user, username):
    client.force_login(user(username))
    return client


def _version(instance):
    return ProcessInstance.objects.select_related("definition").get(pk=instance.pk).definition.version


def _versions(*instances):
    return [_version(i) for i in instances]


def test_the_list_counts_active_cases_per_version_and_marks_the_migratable(client, world, user, publish):
    publish("flaky")  # a second process, one version, nothing to migrate
    page = _as(client, user, "admin").get("/operations/definitions/").content.decode()
    assert "测试审核" in page and "test_review" in page and "test_flaky" in page
    assert "v2 最新：1 个在办 · v1：3 个在办" in page  # the completed case is not counted
    assert "有 3 个在办实例可迁移" in page and page.count("个在办实例可迁移") == 1
    assert "v1 最新：0 个在办" in page  # test_flaky
    assert 'href="/operations/definitions/test_review/"' in page
    found = client.get("/operations/definitions/?q=测试审核").content.decode()
    assert "test_review" in found and "test_flaky" not in found
    by_key = client.get("/operations/definitions/?q=FLAKY").content.decode()
    assert "test_flaky" in by_key and "test_review" not in by_key
    none = client.get("/operations/definitions/?q=没有这个流程&page=abc")
    assert none.status_code == 200 and "没有符合条件的流程" in none.content.decode()


def test_the_list_reads_a_page_of_processes_with_a_fixed_number_of_queries(client, versions, user, publish):
    _as(client, user, "admin")
    _start(user)
    client.get("/operations/definitions/")  # warm the session and the user
    with CaptureQueriesContext(connection) as one:
        assert client.get("/operations/definitions/").status_code == 200
    for name in ("flaky", "cycle", "deadline"):
        publish(name)
    with CaptureQueriesContext(connection) as four:
        page = client.get("/operations/definitions/").content.decode()
    assert "test_flaky" in page and "test_deadline" in page
    assert len(four) == len(one)


def test_the_detail_page_shows_the_versions_and_offers_the_dry_run(client, world, user):
    page = _as(client, user, "admin").get("/operations/definitions/test_review/").content.decode()
    assert f"<code title=\"{world['v2'].content_hash}\">{world['v2'].content_hash[:12]}</code>" in page
    assert world["v1"].content_hash[:12] in page
    cells = re.findall(r'<td class="text-nowrap">(v\d)[^<]*(?:<span[^>]*>最新</span>)?</td>.*?'
                       r'<td class="text-end">(\d+)</td>\s*<td class="text-end">(\d+)</td>', page, re.S)
    assert cells == [("v2", "1", "0"), ("v1", "3", "1")]  # active, completed per version, newest first
    assert "旧版本上有 3 个在办实例" in page and "预演迁移" in page
    assert "迁移预演" not in page  # only when asked for
    assert client.get("/operations/definitions/nope/").status_code == 404


def test_the_dry_run_lists_safe_and_unsafe_cases_and_changes_nothing(client, world, user):
    page = _as(client, user, "admin").get("/operations/definitions/test_review/?plan=1").content.decode()
    safe, unsafe = world["at_fill"], world["at_review"]
    assert "预演 3 个实例：" in page and "可迁移 2 个" in page and "不可迁移 1 个" in page
    for instance in [*safe, unsafe]:
        assert f'href="/cases/{instance.pk}/"' in page
    assert "v1 → v2" in page and "已到达的环节 review 在新版本中不存在" in page
    assert "新版本新增环节：<code>stamp</code>" in page and "重置到新环节：<code>fill</code>" in page
    # the form carries the safe cases only
    for instance in safe:
        assert f'name="instance" value="{instance.pk}"' in page
    assert f'name="instance" value="{unsafe.pk}"' not in page
    assert "迁移 2 个可迁移实例" in page and "confirm(" in page and 'name="reason"' in page
    assert _versions(*safe, unsafe) == [1, 1, 1]
    assert not AuditEvent.objects.filter(action__in=["process.migrate", "process.migration_run"]).exists()
    # from a version that has no active case (or no version at all): all older versions
    assert "预演 3 个实例" in client.get("/operations/definitions/test_review/?plan=1&from=9").content.decode()


def test_migrating_moves_exactly_the_posted_safe_cases_and_audits_the_run(client, world, user):
    first, second = world["at_fill"]
    unsafe = world["at_review"]
    _as(client, user, "admin")
    response = client.post("/operations/definitions/test_review/migrate/",
                           {"reason": "审核环节调整", "to": "2", "instance": [str(first.pk), str(unsafe.pk)]})
    assert response.status_code == 302 and response["Location"] == "/operations/definitions/test_review/"
    assert _versions(first, second, unsafe) == [2, 1, 1]
    moved = _fill(user, ProcessInstance.objects.get(pk=first.pk), 10)  # runs on v2: through the new stamp
    assert moved.status == InstanceStatus.COMPLETED and moved.variables["stamped"] is True
    run = AuditEvent.objects.get(action="process.migration_run")
    assert run.actor.username == "admin"
    assert run.data["key"] == "test_review" and run.data["to_version"] == 2 and run.data["reason"] == "审核环节调整"
    assert run.data["migrated"] == [first.pk]
    assert run.data["refused"] == {str(unsafe.pk): ["已到达的环节 review 在新版本中不存在"]}
    assert AuditEvent.objects.filter(action="process.migrate").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "已迁移 1 个实例，1 个因不安全未迁移" in page
    assert "旧版本上有 2 个在办实例" in page


def test_a_migration_without_a_reason_is_refused_and_migrates_nothing(client, world, user):
    safe = world["at_fill"]
    _as(client, user, "admin")
    ids = [str(i.pk) for i in safe]
    response = client.post("/operations/definitions/test_review/migrate/", {"reason": "  ", "instance": ids})
    assert response.status_code == 400
    page = response.content.decode()
    assert "未能迁移流程实例：请填写操作原因" in page and "迁移预演" in page  # the dry run again, nothing lost
    too_long = client.post("/operations/definitions/test_review/migrate/", {"reason": "长" * 201, "instance": ids})
    assert too_long.status_code == 400 and "不能超过 200 个字" in too_long.content.decode()
    assert _versions(*safe) == [1, 1]
    assert not AuditEvent.objects.filter(action__in=["process.migrate", "process.migration_run"]).exists()


@pytest.mark.parametrize("posted, message", [
    (["{good}", "12x"], "提交的实例编号无效：“12x”"),
    (["{good}", "-1"], "提交的实例编号无效"),
    (["{good}", "1" * 30], "提交的实例编号无效"),
    (["{good}", ""], "提交的实例编号无效"),
    ([], "没有可迁移的实例"),
    ([str(n) for n in range(1, 502)], "一次最多迁移 500 个实例"),
])
def test_garbage_case_numbers_are_refused(client, world, user, posted, message):
    _as(client, user, "admin")
    good = str(world["at_fill"][0].pk)
    response = client.post("/operations/definitions/test_review/migrate/",
                           {"reason": "迁移", "instance": [v.format(good=good) for v in posted]})
    assert response.status_code == 400 and message in response.content.decode()
    assert _versions(*world["at_fill"]) == [1, 1]
    assert not AuditEvent.objects.filter(action__in=["process.migrate", "process.migration_run"]).exists()


def test_a_version_published_after_the_dry_run_is_a_conflict(client, world, user):
    _as(client, user, "admin")
    response = client.post("/operations/definitions/test_review/migrate/",
                           {"reason": "迁移", "to": "1", "instance": [str(world["at_fill"][0].pk)]})
    assert response.status_code == 409 and "请重新预演后再迁移" in response.content.decode()
    garbage = client.post("/operations/definitions/test_review/migrate/",
                          {"reason": "迁移", "to": "v2", "instance": [str(world["at_fill"][0].pk)]})
    assert garbage.status_code == 400 and "目标版本无效" in garbage.content.decode()
    assert _version(world["at_fill"][0]) == 1


def test_versions_and_migration_are_for_administrators_only(client, world, user):
    officer = _as(client, user, "officer_pd")
    assert officer.get("/operations/definitions/").status_code == 403
    assert officer.get("/operations/definitions/test_review/?plan=1").status_code == 403
    refused = officer.post("/operations/definitions/test_review/migrate/",
                           {"reason": "迁移", "instance": [str(world["at_fill"][0].pk)]})
    assert refused.status_code == 403 and "仅系统管理员" in refused.content.decode()
    assert _version(world["at_fill"][0]) == 1
    assert "流程版本" not in {c["label"] for i in items_for(user("officer_pd")) for c in i.get("children", [i])}
    assert "流程版本" in {c["label"] for i in items_for(user("admin")) for c in i.get("children", [i])}
    client.logout()
    assert client.get("/operations/definitions/").status_code == 302  # to the login page


def test_unknown_process_and_get_on_migrate(client, world, user):
    _as(client, user, "admin")
    assert client.get("/operations/definitions/nope/").status_code == 404
    assert client.post("/operations/definitions/nope/migrate/", {"reason": "x", "instance": ["1"]}).status_code == 404
    assert client.get("/operations/definitions/test_review/migrate/").status_code == 405


def test_a_process_with_one_version_has_nothing_to_migrate(client, versions, user):
    _start(user)
    page = _as(client, user, "admin").get("/operations/definitions/test_review/?plan=1").content.decode()
    assert "所有在办实例均为最新版本" in page and "预演迁移" not in page and 'name="instance"' not in page
