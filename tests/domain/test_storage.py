"""Stored files go with the database transaction they were written in (``domain.storage``): kept when it commits,
deleted when it (or the savepoint they were written under) is rolled back, kept at once in autocommit mode."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from documents.models import Document
from documents.services import issue_document
from domain.storage import TransactionalFileSystemStorage
from tasks.attachments import store_attachment
from tasks.models import Attachment


class Refused(Exception):
    pass


def stored() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def save(name: str) -> str:
    return default_storage.save(name, ContentFile(b"%PDF-1.4 " + name.encode()))


def test_the_default_storage_is_the_transactional_one():
    assert isinstance(storages["default"], TransactionalFileSystemStorage)


# ------------------------------------------------------------------------ real transactions (no test wrapper)


@pytest.mark.django_db(transaction=True)
def test_a_file_saved_in_autocommit_mode_is_kept():
    name = save("t/autocommit.pdf")
    with transaction.atomic():
        pass
    with pytest.raises(Refused), transaction.atomic():
        raise Refused
    assert stored() == {name}


@pytest.mark.django_db(transaction=True)
def test_a_committed_file_is_kept_and_a_rolled_back_one_deleted():
    with transaction.atomic():
        kept = save("t/committed.pdf")
    with pytest.raises(Refused), transaction.atomic():
        save("t/rolled-back.pdf")
        raise Refused
    assert stored() == {kept}


@pytest.mark.django_db(transaction=True)
def test_an_inner_savepoint_rolled_back_deletes_only_its_own_files():
    with transaction.atomic():
        outer = save("t/outer.pdf")
        try:
            with transaction.atomic():
                inner = save("t/inner.pdf")
                with transaction.atomic():
                    innermost = save("t/innermost.pdf")
                raise Refused
        except Refused:
            pass
        assert stored() == {outer}  # at once, not only when the outer transaction ends
        after = save("t/after.pdf")
    assert inner not in stored() and innermost not in stored()
    assert stored() == {outer, after}


@pytest.mark.django_db(transaction=True)
def test_a_released_savepoint_goes_with_the_outer_transaction():
    with pytest.raises(Refused), transaction.atomic():
        with transaction.atomic():
            save("t/inner.pdf")
        assert len(stored()) == 1
        raise Refused
    assert stored() == set()


@pytest.mark.django_db(transaction=True)
def test_an_explicit_rollback_and_an_explicit_savepoint_rollback_delete():
    with transaction.atomic():
        sid = transaction.savepoint()
        save("t/to-savepoint.pdf")
        transaction.savepoint_rollback(sid)
        assert stored() == set()
        kept = save("t/kept.pdf")
    assert stored() == {kept}
    transaction.set_autocommit(False)
    try:
        save("t/manual.pdf")
        transaction.rollback()
    finally:
        transaction.set_autocommit(True)
    assert stored() == {kept}


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_free_inner_block_rolls_back_with_the_outer_one():
    with pytest.raises(Refused), transaction.atomic():
        save("t/outer.pdf")
        with transaction.atomic(savepoint=False):
            save("t/inner.pdf")
        raise Refused
    assert stored() == set()


@pytest.mark.django_db(transaction=True)
def test_an_attachment_refused_after_it_was_written_leaves_no_file(directory, user):
    """A FileField save (the form attachments' ``store_attachment``) in a request's work that is refused later."""
    with pytest.raises(Refused), transaction.atomic():
        store_attachment(SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"), user=user("ent_lessor"), field="file")
        assert len(stored()) == 1
        raise Refused
    assert not Attachment.objects.exists() and stored() == set()
    kept = store_attachment(SimpleUploadedFile("b.pdf", b"%PDF-1.4 b"), user=user("ent_lessor"), field="file")
    assert stored() == {kept.file.name}
    assert kept.file.open("rb").read() == b"%PDF-1.4 b"


@pytest.mark.django_db(transaction=True)
def test_a_generated_pdf_goes_with_its_transaction(directory):
    with pytest.raises(Refused), transaction.atomic():
        issue_document(kind="generic", title="回滚的文书", context={"paragraphs": ["x"]})
        raise Refused
    assert not Document.objects.exists() and stored() == set()
    document = issue_document(kind="generic", title="出具的文书", context={"paragraphs": ["x"]})
    assert stored() == {document.pdf.name}


# ----------------------------------------------------------------------- inside pytest's per-test transaction


@pytest.mark.django_db
def test_inside_the_test_transaction_a_rolled_back_block_deletes_and_a_finished_one_keeps():
    with transaction.atomic():
        kept = save("t/finished.pdf")
    with pytest.raises(Refused), transaction.atomic():
        save("t/refused.pdf")
        raise Refused
    assert stored() == {kept}


@pytest.mark.django_db(transaction=True)
def test_a_file_that_cannot_be_deleted_never_breaks_the_rollback(monkeypatch, caplog):
    def refuse(path: str) -> None:
        raise PermissionError(path)

    monkeypatch.setattr("domain.storage.os.remove", refuse)
    with caplog.at_level(logging.WARNING, logger="jianguan.storage"), pytest.raises(Refused), transaction.atomic():
        name = save("t/stuck.pdf")
        raise Refused  # the caller's own exception, not the storage's
    assert stored() == {name}
    assert "could not delete" in caplog.text
    with transaction.atomic():  # the connection works on
        save("t/next.pdf")


# ------------------------------------------------------------------- the hooks on a connection, without a database


class FakeConnection:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.n = 0

    def commit(self) -> None:
        self.calls.append("commit")

    def rollback(self) -> None:
        self.calls.append("rollback")

    def close(self) -> None:
        self.calls.append("close")

    def savepoint(self) -> str:
        self.n += 1
        return f"s{self.n}"

    def savepoint_rollback(self, sid: str) -> None:
        self.calls.append(f"rollback to {sid}")


def test_a_connection_closed_mid_transaction_and_a_savepoint_older_than_the_hooks(tmp_path):
    from domain.storage import _ledger

    def written(name: str) -> str:
        path = tmp_path / name
        path.write_bytes(b"x")
        return str(path)

    connection = FakeConnection()
    older = connection.savepoint()  # created before the storage hooked the connection
    ledger = _ledger(connection)
    assert _ledger(connection) is ledger
    ledger.note(written("a"))
    sid = connection.savepoint()
    ledger.note(written("b"))
    connection.savepoint_rollback(sid)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]
    connection.savepoint_rollback(older)
    assert list(tmp_path.iterdir()) == []
    ledger.note(written("c"))
    connection.close()  # the database drops the open transaction
    assert list(tmp_path.iterdir()) == []
    ledger.note(written("d"))
    connection.commit()
    connection.rollback()  # a later transaction's rollback does not touch committed files
    assert [p.name for p in tmp_path.iterdir()] == ["d"]
    assert connection.calls == ["rollback to s2", "rollback to s1", "close", "commit", "rollback"]
