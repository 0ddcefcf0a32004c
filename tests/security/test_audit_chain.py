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
