"""M75/M76 batch rename: 5,000 certificates updated by the Celery job (eager in tests) with progress, resumable
after an interruption, idempotent on re-run, audited per certificate."""

from __future__ import annotations

import time

import pytest

from domain.errors import ProcedureError
from domain.organisations.models import Organisation
from domain.personnel import rename
from domain.personnel.models import Employment, Person, RenameBatch, RenameBatchState, SafetyCertificate
from security.models import AuditEvent

N = 5000


def _staff(enterprise: Organisation, n: int) -> None:
    people = Person.objects.bulk_create(
        [Person(name=f"员工{i}", id_number=f"31011519900101{i:04d}") for i in range(n)], batch_size=1000
    )
    Employment.objects.bulk_create([Employment(person=p, enterprise=enterprise, started_on="2024-01-01") for p in people],
                                   batch_size=1000)
    SafetyCertificate.objects.bulk_create(
        [SafetyCertificate(person=p, klass="C2", category="C", employer=enterprise, employer_name=enterprise.name,
                           number=f"沪建安C2(2025){i + 1:07d}", state="valid") for i, p in enumerate(people)],
        batch_size=1000,
    )


@pytest.mark.django_db
def test_rename_updates_5000_certificates_resumably_and_idempotently(directory, user, django_capture_on_commit_callbacks):
    ent = directory["contractor"]
    old = ent.name
    _staff(ent, N)
    SafetyCertificate.objects.filter(pk=SafetyCertificate.objects.order_by("pk").first().pk).update(state="cancelled")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        batch = rename.request_rename(enterprise=ent, new_name="上海浦江建设（集团）股份有限公司",
                                      acting_user=user("officer_city"))
    assert len(queued) == 1 and batch.total == N - 1
    assert Organisation.objects.get(pk=ent.pk).name == "上海浦江建设（集团）股份有限公司"

    batch = rename.run_batch(batch.pk, max_items=1800)  # a time-boxed run stops part-way
    assert batch.state == RenameBatchState.PENDING and batch.processed == 1800 and batch.percent == 36

    started = time.monotonic()
    queued[0]()  # the queued Celery job (eager) resumes where the first run stopped
    elapsed = time.monotonic() - started
    batch = RenameBatch.objects.get(pk=batch.pk)
    assert batch.state == RenameBatchState.DONE and batch.processed == N - 1 and batch.changed == N - 1
    assert batch.runs == 2
    assert not SafetyCertificate.objects.filter(state="valid").exclude(employer_name=batch.new_name).exists()
    assert SafetyCertificate.objects.get(state="cancelled").employer_name == old  # history keeps its name
    assert AuditEvent.objects.filter(action="personnel.renamed").count() == N - 1
    print(f"\nrename batch: {N - 1 - 1800} certificates in {elapsed:.1f}s")

    again = rename.run_batch(batch.pk)  # idempotent: nothing left to change
    assert again.changed == N - 1 and AuditEvent.objects.filter(action="personnel.renamed").count() == N - 1


@pytest.mark.django_db
def test_an_interrupted_run_is_marked_failed_and_resumes(directory, monkeypatch):
    ent = directory["contractor"]
    _staff(ent, 30)
    batch = rename.request_rename(enterprise=ent, new_name="上海浦江建设新名称有限公司")
    calls = {"n": 0}
    original = rename.record_event

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 15:
            raise RuntimeError("数据库连接中断")
        return original(*args, **kwargs)

    monkeypatch.setattr(rename, "record_event", flaky)
    with pytest.raises(RuntimeError):
        rename.run_batch(batch.pk, chunk=10)
    batch = RenameBatch.objects.get(pk=batch.pk)
    assert batch.state == RenameBatchState.FAILED and batch.processed == 10  # the failed chunk rolled back
    monkeypatch.setattr(rename, "record_event", original)
    batch = rename.run_batch(batch.pk, chunk=10)
    assert batch.state == RenameBatchState.DONE and batch.processed == 30
    assert AuditEvent.objects.filter(action="personnel.renamed").count() == 30


@pytest.mark.django_db
def test_rename_refuses_the_same_name_and_a_second_batch(directory):
    ent = directory["contractor"]
    with pytest.raises(ProcedureError, match="相同"):
        rename.request_rename(enterprise=ent, new_name=ent.name)
    rename.request_rename(enterprise=ent, new_name="新名称一")
    with pytest.raises(ProcedureError, match="正在处理"):
        rename.request_rename(enterprise=ent, new_name="新名称二")


@pytest.mark.django_db
def test_an_interrupted_run_is_on_the_audit_trail_by_the_job(directory, monkeypatch):
    from domain.personnel.jobs import run_rename_batch
    from security.audit import history_for
    from security.chain import verify_chain

    ent = directory["contractor"]
    _staff(ent, 3)
    batch = rename.request_rename(enterprise=ent, new_name="上海浦江建设新名称有限公司")

    def broken(*args, **kwargs):
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(rename, "record_event", broken)
    with pytest.raises(RuntimeError):
        run_rename_batch(batch.pk)  # the Celery job
    monkeypatch.undo()
    run_rename_batch(batch.pk)
    events = [(e.action, e.actor_username) for e in history_for(batch)]
    assert events == [("personnel.rename_requested", ""), ("personnel.rename_failed", "系统（企业更名批量变更）"),
                      ("personnel.rename_done", "系统（企业更名批量变更）")]
    assert verify_chain().ok
