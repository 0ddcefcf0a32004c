"""The lean statement helpers of ``domain.db`` behave like the ORM calls they stand in for, on every database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.db import fetch_rows, insert_rows, update_row, update_rows
from domain.personnel.models import Person
from security.models import AuditChainHead
from tasks.models import WorkItem, WorkItemCandidate, WorkItemStatus


def _item(**overrides) -> WorkItem:
    values = {
        "instance_id": 7,
        "process_key": "p",
        "process_name": "测试流程",
        "process_version": 1,
        "task_id": "t-1",
        "element_id": "fill",
        "name": "填写",
        "form": {"type": "object", "properties": {"amount": {"type": "number"}}},
        "properties": {"priority": "high"},
        "created_at": timezone.now(),
    }
    values.update(overrides)
    return WorkItem(**values)


@pytest.mark.django_db
def test_insert_rows_sets_ids_and_stores_what_the_orm_reads_back(directory, user):
    officer = user("officer_pd")
    items = insert_rows([_item(task_id="a", assignee=officer), _item(task_id="b", status=WorkItemStatus.CLAIMED)])
    if connection.features.can_return_rows_from_bulk_insert:
        assert all(i.pk for i in items)
    stored = {i.task_id: i for i in WorkItem.objects.filter(instance_id=7)}
    assert set(stored) == {"a", "b"}
    assert stored["a"].form == {"type": "object", "properties": {"amount": {"type": "number"}}}
    assert stored["a"].assignee_id == officer.pk and stored["a"].status == WorkItemStatus.OPEN
    assert stored["b"].status == WorkItemStatus.CLAIMED and stored["b"].four_eyes == []
    assert not items[0]._state.adding


@pytest.mark.django_db
def test_insert_rows_runs_pre_save_so_encrypted_fields_and_blind_indexes_are_written():
    (person,) = insert_rows([Person(name="张伟", id_number="31011519850312123X", phone="13800000000")])
    found = Person.objects.get(id_number="31011519850312123X")  # blind-index lookup
    assert found.name == "张伟" and found.phone == "13800000000" and found.created_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM " + Person._meta.db_table)  # noqa: S608 - model metadata, no input
        (raw,) = cursor.fetchone()
    assert "31011519850312123X" not in str(raw)  # ciphertext at rest


@pytest.mark.django_db
def test_insert_rows_batches_past_the_databases_parameter_limit():
    rows = [_item(task_id=f"t-{n}") for n in range(1500)]  # 1500 × 30 columns: several batches on SQLite
    insert_rows(rows)
    assert WorkItem.objects.filter(instance_id=7).count() == 1500


@pytest.mark.django_db
def test_insert_rows_refuses_saved_objects_mixed_models_and_unsaved_relations():
    saved = insert_rows([_item()])[0]
    if saved.pk is None:
        saved.pk = WorkItem.objects.get().pk
    with pytest.raises(ValueError, match="new rows only"):
        insert_rows([saved])
    with pytest.raises(TypeError, match="one model"):
        insert_rows([_item(task_id="x"), Person(name="李四", id_number="310115198503121234")])
    with pytest.raises(ValueError):
        insert_rows([WorkItemCandidate(item=_item(task_id="unsaved"), group="case_officer")])
    assert WorkItem.objects.count() == 1


@pytest.mark.django_db
def test_update_row_changes_one_row_and_compare_and_swap_refuses_a_stale_expectation():
    a, b = insert_rows([_item(task_id="a"), _item(task_id="b")])
    a_pk, b_pk = (a.pk, b.pk) if a.pk else tuple(WorkItem.objects.order_by("id").values_list("pk", flat=True))
    done = timezone.now()
    assert update_row(WorkItem, a_pk, {"status": WorkItemStatus.COMPLETED, "completed_at": done,
                                       "data": {"ok": True}}) == 1
    a = WorkItem.objects.get(pk=a_pk)
    assert (a.status, a.completed_at, a.data) == (WorkItemStatus.COMPLETED, done, {"ok": True})
    assert WorkItem.objects.get(pk=b_pk).status == WorkItemStatus.OPEN  # the other row is untouched

    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": 5, "mac": "m5"})
    assert update_row(AuditChainHead, 1, {"seq": 6, "mac": "m6"}, expect={"seq": 4, "mac": "m5"}) == 0
    assert AuditChainHead.objects.get(pk=1).seq == 5
    assert update_row(AuditChainHead, 1, {"seq": 6, "mac": "m6"}, expect={"seq": 5, "mac": "m5"}) == 1
    assert AuditChainHead.objects.get(pk=1).mac == "m6"


@pytest.mark.django_db
def test_update_row_takes_a_related_object_for_a_foreign_key(directory, user):
    officer = user("officer_pd")
    insert_rows([_item()])
    pk = WorkItem.objects.get().pk
    update_row(WorkItem, pk, {"completed_by": officer})
    assert WorkItem.objects.get().completed_by_id == officer.pk


@pytest.mark.django_db
def test_fetch_rows_reads_like_the_orm_including_converted_json_dates_and_decrypted_fields():
    created = timezone.now() - dt.timedelta(hours=3)
    insert_rows([_item(task_id="a", created_at=created), _item(task_id="b", status=WorkItemStatus.COMPLETED)])
    insert_rows([Person(name="张伟", id_number="31011519850312123X", phone="13800000000")])
    (mine,) = fetch_rows(WorkItem, {"instance_id": 7, "status": (WorkItemStatus.OPEN, WorkItemStatus.CLAIMED)})
    orm = WorkItem.objects.get(task_id="a")
    for field in WorkItem._meta.concrete_fields:
        assert getattr(mine, field.attname) == getattr(orm, field.attname), field.name
    assert mine.created_at == created and isinstance(mine.form, dict)
    (person,) = fetch_rows(Person, {"name": "张伟"})
    assert person.id_number == "31011519850312123X" and person.phone == "13800000000"
    assert fetch_rows(WorkItem, {"instance_id": 8}) == []


@pytest.mark.django_db
def test_fetch_rows_with_some_columns_maps_them_by_name_and_defers_the_rest():
    insert_rows([_item(task_id="a", summary="摘要")])
    # asked for in another order than the model declares them: each value must land on its own field
    (item,) = fetch_rows(WorkItem, {"task_id": "a"}, columns=("summary", "task_id", "process_name", "element_id"))
    assert (item.summary, item.task_id, item.process_name, item.element_id) == ("摘要", "a", "测试流程", "fill")
    assert "form" in item.get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        assert item.form["type"] == "object"  # a deferred field loads on first use, as with .only()
    assert len(queries) == 1


@pytest.mark.django_db
def test_update_rows_filters_by_lists_and_an_empty_list_matches_nothing():
    insert_rows([_item(task_id=t) for t in ("a", "b", "c")])
    pks = dict(WorkItem.objects.values_list("task_id", "pk"))
    assert update_rows(WorkItem, {"pk": [pks["a"], pks["c"]]}, {"summary": "改"}) == 2
    assert update_rows(WorkItem, {"pk": []}, {"summary": "不改"}) == 0
    assert dict(WorkItem.objects.values_list("task_id", "summary")) == {"a": "改", "b": "", "c": "改"}
    with pytest.raises(ValueError, match="condition"):
        update_rows(WorkItem, {}, {"summary": "全部"})
    assert fetch_rows(WorkItem, {"task_id": []}) == []


@pytest.mark.django_db
def test_fetch_rows_orders_and_limits():
    insert_rows([_item(task_id=t, priority=p) for t, p in (("a", 20), ("b", 90), ("c", 50))])
    assert [i.task_id for i in fetch_rows(WorkItem, {"instance_id": 7}, order_by=("-priority",))] == ["b", "c", "a"]
    top = fetch_rows(WorkItem, {"instance_id": 7}, columns=("task_id",), order_by=("priority", "task_id"), limit=2)
    assert [i.task_id for i in top] == ["a", "c"]


@pytest.mark.django_db
def test_a_none_value_matches_null_as_the_orm_does(directory, user):
    insert_rows([_item(task_id="free"), _item(task_id="taken", assignee=user("officer_pd"))])
    assert [i.task_id for i in fetch_rows(WorkItem, {"assignee": None})] == ["free"]
    assert update_rows(WorkItem, {"instance_id": 7, "assignee": None}, {"summary": "待分派"}) == 1
    assert list(WorkItem.objects.filter(assignee__isnull=True).values_list("summary", flat=True)) == ["待分派"]


@pytest.mark.django_db
def test_without_returning_a_single_row_still_gets_its_id(monkeypatch):
    """MySQL returns no ids from an INSERT: one row takes the connection's last insert id, several keep None."""
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL always returns ids (and its driver has no last-row id to fall back on)")
    name = "can_return_rows_from_bulk_insert"  # a property on some backends, a cached property on others
    monkeypatch.setattr(type(connection.features), name, False)
    monkeypatch.delitem(connection.features.__dict__, name, raising=False)
    (one,) = insert_rows([_item(task_id="one")])
    assert one.pk == WorkItem.objects.get(task_id="one").pk
    many = insert_rows([_item(task_id="a"), _item(task_id="b")])
    assert [i.pk for i in many] == [None, None] and WorkItem.objects.count() == 3
