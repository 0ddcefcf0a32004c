"""What one engine step costs the database, and that its audit events still form one unbroken chain.

The budgets are the statements a step needs (see docs/engine.md, "Throughput"): a regression that adds a read per
step shows here, not only in the benchmark.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from domain.db import fetch_rows
from processes import engine
from processes.models import ProcessInstance
from security.chain import verify_chain
from security.models import AuditEvent

from .conftest import ready_tasks

START_BUDGET = 12  # latest version, insert, state, history, work item + candidates, audit (2), tx (PostgreSQL: 10)
COMPLETE_BUDGET = 13  # lock, state, history, work items (3), audit (2), savepoint, tx (PostgreSQL: 11)


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db
def test_start_and_complete_stay_within_their_statement_budget(publish, user):
    publish("review")
    officer = user("officer_pd")
    engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)  # warm caches
    with CaptureQueriesContext(connection) as started:
        instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)
    task_id = ready_tasks(instance)["fill"]
    with CaptureQueriesContext(connection) as completed:
        engine.complete_task(instance.pk, task_id, data={"amount": 10}, acting_user=officer)
    assert len(started) <= START_BUDGET, "\n".join(_statements(started))
    assert len(completed) <= COMPLETE_BUDGET, "\n".join(_statements(completed))
    # the definition's files are not read again for every step: only its id and content hash
    assert not any("bpmn_files" in sql for sql in _statements(started) + _statements(completed))


@pytest.mark.django_db
def test_a_steps_audit_events_are_written_together_and_chained_in_order(publish, user):
    publish("review")
    officer = user("officer_pd")
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=officer)
    engine.complete_task(instance.pk, ready_tasks(instance)["fill"], data={"amount": 80}, acting_user=officer)
    events = list(AuditEvent.objects.filter(data__instance_id=instance.pk).order_by("seq"))
    assert [e.action for e in events] == ["process.start", "tasks.completed", "process.complete_task"]
    assert [e.seq for e in events] == list(range(events[0].seq, events[0].seq + len(events)))
    assert all(e.actor_username == "officer_pd" for e in events)
    report = verify_chain()
    assert report.ok, report.message()


@pytest.mark.django_db
def test_fetch_rows_joins_a_column_of_a_foreign_key_target_and_locks_only_its_own_table(publish, user):
    definition = publish("review")
    instance = engine.start("test_review", variables={"district_code": "310115"}, acting_user=user("officer_pd"))
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        (row,) = fetch_rows(ProcessInstance, {"id": instance.pk}, extra={"definition_hash": "definition.content_hash"},
                            for_update=True)
    assert row.definition_hash == definition.content_hash and row.data == instance.data
    sql = queries.captured_queries[-1]["sql"]
    if connection.features.has_select_for_update_of:
        assert "FOR UPDATE OF" in sql
    elif connection.features.has_select_for_update:
        assert "FOR UPDATE" in sql
    with pytest.raises(ValueError, match="non-null foreign keys"):
        fetch_rows(ProcessInstance, {"id": instance.pk}, extra={"starter": "started_by.username"})
