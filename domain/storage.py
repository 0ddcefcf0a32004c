"""Where uploaded files are kept and which kinds are accepted (上传文件).

Uploaded files are stored under names nobody can guess and are never served from the media directory: each kind
has a permission-checked download view that sends it as an attachment (so an uploaded HTML page cannot run in the
platform's origin). The accepted kinds are the documents a construction-market case carries.

The default storage, :class:`TransactionalFileSystemStorage`, deletes a file again when the database transaction it
was written in is rolled back (see the notes above it)."""

from __future__ import annotations

import logging
import os
import uuid
from typing import IO, Any

from django.core.files.storage import FileSystemStorage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.deconstruct import deconstructible

ALLOWED_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".ofd", ".txt")


def suffix_refused(name: str) -> str | None:
    """A message when ``name`` is not of an accepted kind, else ``None``."""
    if (name or "").lower().endswith(ALLOWED_SUFFIXES):
        return None
    return f"不支持该文件类型，请上传 {'、'.join(ALLOWED_SUFFIXES)} 文件"


@deconstructible
class RandomName:
    """``upload_to`` giving ``<prefix>/<yyyy>/<mm>/<random>.<suffix>``: the uploader's file name is not used."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        suffix = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
        if not suffix.isalnum():
            suffix = "bin"
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


# ------------------------------------------------------------------------------------ files go with the transaction
#
# The database rolls a refused request back; the file system does not. A file written by a ``FileField`` save inside
# a transaction that is rolled back would stay on disk with no row pointing at it. The storage below notes, in order,
# every file it writes while the connection is in a transaction, and the connection's own transaction methods
# settle them:
#
# - ``commit()``: the transaction's files are kept;
# - ``rollback()``, or ``close()`` while a transaction is open (the database discards it): they are deleted;
# - ``savepoint_rollback(sid)`` (an inner ``atomic`` block that raised, a ``transaction.savepoint_rollback``, the end
#   of a test inside pytest's per-test transaction): the files written since that savepoint was created are deleted,
#   the earlier ones wait for the outer transaction.
#
# Files written in autocommit mode (no transaction open) are kept at once. Nothing has to be remembered by a view, a
# Celery task or a management command: every ``atomic`` block (``ATOMIC_REQUESTS`` included) ends in one of those
# connection methods. Deleting never raises into the caller (a failure is logged and the file stays an orphan).

logger = logging.getLogger("jianguan.storage")

_LEDGER = "_jianguan_stored_files"


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    except Exception:  # never into the rollback of a request
        logger.warning("could not delete %s, written in a transaction that was rolled back", path, exc_info=True)


class _Ledger:
    """The files written in one connection's open transaction, numbered in order, and for each savepoint the number
    of the last file written before it was created."""

    def __init__(self) -> None:
        self.files: list[tuple[int, str]] = []
        self.marks: dict[str, int] = {}
        self.count = 0

    def note(self, path: str) -> None:
        self.count += 1
        self.files.append((self.count, path))

    def mark(self, sid: str | None) -> None:
        if sid is not None:
            self.marks[sid] = self.count

    def keep(self) -> None:
        self.files.clear()
        self.marks.clear()

    def discard(self, after: int = 0) -> None:
        """Delete the files written after file number ``after`` (all of them by default)."""
        try:
            for number, path in self.files:
                if number > after:
                    _remove(path)
            self.files = [(number, path) for number, path in self.files if number <= after]
        except Exception:  # pragma: no cover - defensive: nothing here may break a rollback
            logger.warning("could not settle the files of a rolled-back transaction", exc_info=True)

    def discard_since(self, sid: str | None) -> None:
        if sid is not None:
            # a savepoint without a mark was created before the connection was hooked, so before every file noted
            self.discard(self.marks.setdefault(sid, 0))


def _ledger(connection: Any) -> _Ledger:
    """The files written in ``connection``'s open transaction; the first call hooks the connection's transaction
    methods (the connection object is per thread and outlives its database sessions, so once is enough)."""
    ledger: _Ledger | None = connection.__dict__.get(_LEDGER)
    if ledger is not None:
        return ledger
    ledger = _Ledger()
    commit, rollback, close = connection.commit, connection.rollback, connection.close
    savepoint, savepoint_rollback = connection.savepoint, connection.savepoint_rollback

    def commit_keeping_files() -> None:
        commit()
        ledger.keep()

    def rollback_deleting_files() -> None:
        try:
            rollback()
        finally:
            ledger.discard()
            ledger.marks.clear()

    def close_deleting_files() -> None:
        try:
            close()
        finally:
            # only an open transaction has files noted (commit and rollback settle them): the database drops it
            if ledger.files:
                ledger.discard()
            ledger.marks.clear()

    def savepoint_marking_files() -> str | None:
        sid: str | None = savepoint()
        ledger.mark(sid)
        return sid

    def savepoint_rollback_deleting_files(sid: str) -> None:
        savepoint_rollback(sid)
        ledger.discard_since(sid)

    connection.commit = commit_keeping_files
    connection.rollback = rollback_deleting_files
    connection.close = close_deleting_files
    connection.savepoint = savepoint_marking_files
    connection.savepoint_rollback = savepoint_rollback_deleting_files
    setattr(connection, _LEDGER, ledger)
    return ledger


class TransactionalFileSystemStorage(FileSystemStorage):
    """The default storage (``STORAGES["default"]``): a ``FileSystemStorage`` whose files written inside a database
    transaction are deleted again when that transaction, or a savepoint created before them, is rolled back."""

    using = DEFAULT_DB_ALIAS

    def save(self, name: str | None, content: IO[Any], max_length: int | None = None) -> str:
        name = super().save(name, content, max_length=max_length)
        connection = connections[self.using]
        # no query: a connection not opened yet will be in autocommit mode when it opens
        if connection.in_atomic_block or (connection.connection is not None and not connection.autocommit):
            _ledger(connection).note(self.path(name))  # the path now: MEDIA_ROOT may change before the rollback
        return name
