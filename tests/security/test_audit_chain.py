import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from security import audit
from security.chain import GENESIS, verify_chain
from security.models import AuditEvent


def _raw(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)


@pytest.mark.django_db
def test_events_are_linked_and_the_chain_verifies(directory, user):
    events = [audit.record(action="demo.step", actor=user("officer_pd"), summary=f"第{i}步", data={"i": i}) for i in range(3)]
    chained = list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("seq"))
    assert [e.prev_mac for e in chained[1:]] == [e.mac for e in chained[:-1]]
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()
    call_command("verify_audit")


@pytest.mark.django_db
def test_a_row_changed_in_the_database_is_the_first_broken_link(directory):
    events = [audit.record(action="demo.step", summary=f"第{i}步") for i in range(4)]
    target = events[1]
    _raw("UPDATE security_auditevent SET summary = %s WHERE id = %s", ["篡改", target.pk])
    report = verify_chain()
    assert not report.ok
    assert (report.broken_seq, report.broken_event_id) == (target.seq, target.pk)
    assert "篡改" in report.reason
    with pytest.raises(CommandError, match=f"第 {target.seq} 号"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_deleted_row_and_a_cut_tail_are_detected(directory):
    events = [audit.record(action="demo.step", summary=f"第{i}步") for i in range(4)]
    _raw("DELETE FROM security_auditevent WHERE id = %s", [events[-1].pk])
    report = verify_chain()
    assert not report.ok and report.broken_seq == events[-1].seq
    _raw("DELETE FROM security_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert not report.ok and report.broken_seq == events[1].seq


@pytest.mark.django_db
def test_first_event_links_to_genesis(db):
    event = audit.record(action="demo.first")
    assert event.seq == 1 and event.prev_mac == GENESIS


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
def test_concurrent_appends_never_fork_the_chain():
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                audit.record(action="demo.concurrent", data={"worker": n, "i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = verify_chain()
    assert report.ok and report.checked == 60


@pytest.mark.django_db
def test_a_batch_writes_its_events_at_the_end_in_order_and_chained(directory):
    from django.db import transaction

    with transaction.atomic(), audit.batch():
        first = audit.record(action="demo.batch", summary="一")
        with audit.batch():  # a nested batch joins the outer one
            second = audit.record(action="demo.batch", summary="二")
        assert first.pk is None and first.seq is None  # queued, not yet written
    assert first.pk and second.pk and second.seq == first.seq + 1 and second.prev_mac == first.mac
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_batch_that_raises_writes_nothing(directory):
    from django.db import transaction

    earlier = audit.record(action="demo.before")
    with pytest.raises(RuntimeError, match="失败"), transaction.atomic(), audit.batch():
        audit.record(action="demo.batch")
        raise RuntimeError("操作失败")
    assert not AuditEvent.objects.filter(action="demo.batch").exists()
    later = audit.record(action="demo.after")
    assert (later.seq, later.prev_mac) == (earlier.seq + 1, earlier.mac)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"), audit.batch():
        pass


@pytest.mark.django_db
def test_the_chain_stays_whole_when_the_remembered_head_was_rolled_back(directory):
    from django.db import transaction

    audit.record(action="demo.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(action="demo.rolled_back")  # moves this connection's remembered head
        raise RuntimeError("回滚")
    kept = audit.record(action="demo.kept_again")  # the remembered head no longer exists: re-read under lock
    previous = AuditEvent.objects.filter(seq=kept.seq - 1).get()
    assert previous.action == "demo.kept" and kept.prev_mac == previous.mac
    assert verify_chain().ok
