"""The nightly orphan-file sweep (``domain.storage.sweep_orphan_files``, flow ``storage-orphan-sweep``, command
``sweep_orphan_files``): deletes the files no row names once they are past the grace period, and nothing else."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from documents.services import issue_document, seal_document
from domain import storage
from domain.storage import file_fields_on, sweep_orphan_files
from flows.serve import collect
from flows.storage_sweep import storage_orphan_sweep
from security.models import AuditEvent
from tasks.attachments import store_attachment
from tasks.models import Attachment

DAY = 24 * 3600


def stored() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def age(name: str, seconds: float) -> None:
    """Make a stored file look ``seconds`` old."""
    then = time.time() - seconds
    os.utime(Path(settings.MEDIA_ROOT) / name, (then, then))


def stray(name: str, *, old: bool = True) -> str:
    """A file no row names (what a killed process or a deleted row leaves)."""
    name = default_storage.save(name, ContentFile(b"%PDF-1.4 stray"))
    if old:
        age(name, 3 * DAY)
    return name


@pytest.fixture
def attachment(directory, user):
    item = store_attachment(SimpleUploadedFile("证明.pdf", b"%PDF-1.4 kept", content_type="application/pdf"),
                            user=user("officer_pd"))
    age(item.file.name, 3 * DAY)
    return item


@pytest.mark.django_db
def test_every_file_field_of_the_platform_is_known_to_the_sweep():
    names = {f"{model._meta.label}.{f.name}" for model, f in file_fields_on(default_storage)}
    assert {"tasks.Attachment.file", "documents.Document.pdf", "contracts.ContractChange.agreement"} <= names


@pytest.mark.django_db
def test_only_old_unreferenced_files_are_deleted(attachment):
    old_orphan = stray("tasks/2020/01/old.pdf")
    young_orphan = stray("tasks/2020/01/young.pdf", old=False)
    report = sweep_orphan_files(grace_hours=24)
    assert report.orphans == [old_orphan]
    assert report.orphan_bytes == len(b"%PDF-1.4 stray")
    assert (report.scanned, report.recent, report.failed) == (3, 1, [])
    assert stored() == {attachment.file.name, young_orphan}
    assert Attachment.objects.get(pk=attachment.pk).file.read() == b"%PDF-1.4 kept"
    again = sweep_orphan_files(grace_hours=24)  # a second run finds nothing more
    assert (again.orphans, again.recent) == ([], 1)


@pytest.mark.django_db
def test_a_dry_run_lists_and_deletes_nothing(attachment):
    orphan = stray("documents/2020/01/x.pdf")
    report = sweep_orphan_files(grace_hours=24, dry_run=True)
    assert report.orphans == [orphan] and "可清理无引用文件 1 个" in report.summary()
    assert orphan in stored()


@pytest.mark.django_db
def test_a_deleted_rows_file_and_a_superseded_document_revision_are_swept(directory, user):
    item = store_attachment(SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", content_type="application/pdf"),
                            user=user("officer_pd"))
    gone = item.file.name
    item.delete()  # Django leaves the file behind
    document = issue_document(kind="generic", title="文书", context={"paragraphs": ["x"]}, issuer=directory["310115"])
    first_revision = document.pdf.name
    sealed = seal_document(document, organisation=directory["310115"], acting_user=user("officer_pd"))
    for name in stored():
        age(name, 3 * DAY)
    report = sweep_orphan_files(grace_hours=24)
    assert set(report.orphans) == {gone, first_revision}
    assert stored() == {sealed.pdf.name}


@pytest.mark.django_db
def test_batches_cover_every_file(attachment, monkeypatch):
    monkeypatch.setattr(storage, "SWEEP_BATCH", 2)
    orphans = {stray(f"tasks/2020/02/{n}.pdf") for n in range(5)}
    report = sweep_orphan_files(grace_hours=24)
    assert set(report.orphans) == orphans and report.scanned == 6
    assert stored() == {attachment.file.name}


@pytest.mark.django_db
def test_a_file_that_cannot_be_deleted_is_reported_not_raised(attachment, monkeypatch):
    orphan = stray("tasks/2020/03/locked.pdf")
    real_remove = os.remove

    def refuse(path, *args, **kwargs):
        if path.endswith("locked.pdf"):
            raise PermissionError("read-only")
        return real_remove(path, *args, **kwargs)

    monkeypatch.setattr(os, "remove", refuse)
    report = sweep_orphan_files(grace_hours=24)
    assert report.failed == [orphan] and "删除失败 1 个" in report.summary()
    assert orphan in stored()


@pytest.mark.django_db
def test_a_grace_period_under_an_hour_is_refused(directory):
    with pytest.raises(ValueError, match="宽限期至少 1 小时"):
        sweep_orphan_files(grace_hours=0)
    with pytest.raises(CommandError, match="宽限期至少 1 小时"):
        call_command("sweep_orphan_files", "--grace-hours", "0")


@pytest.mark.django_db
def test_nothing_stored_yet_is_an_empty_report(directory):
    assert not Path(settings.MEDIA_ROOT).exists()
    report = sweep_orphan_files()
    assert (report.scanned, report.orphans) == (0, [])


@pytest.mark.django_db
def test_the_command_lists_and_the_flow_deletes_with_one_audit_event(attachment, settings):
    settings.ORPHAN_FILE_GRACE_HOURS = 48
    orphan = stray("tasks/2020/04/o.pdf")
    out = StringIO()
    call_command("sweep_orphan_files", "--dry-run", stdout=out)
    assert f"将清理 {orphan}" in out.getvalue() and "宽限期（48 小时）" in out.getvalue()
    assert not AuditEvent.objects.filter(action="storage.orphans_swept").exists()  # a dry run changes nothing
    result = storage_orphan_sweep.fn()
    assert result["orphans"] == 1 and orphan not in stored()
    event = AuditEvent.objects.get(action="storage.orphans_swept")
    assert event.data["names"] == [orphan] and "无引用文件清理" in event.actor_username
    storage_orphan_sweep.fn()  # nothing found: no second event
    assert AuditEvent.objects.filter(action="storage.orphans_swept").count() == 1
    assert "storage-orphan-sweep" in {fl.name for fl, _ in collect()}
