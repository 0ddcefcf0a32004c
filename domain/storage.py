"""Where uploaded files are kept and which kinds are accepted (上传文件).

Uploaded files are stored under names nobody can guess and are never served from the media directory: each kind
has a permission-checked download view that sends it as an attachment (so an uploaded HTML page cannot run in the
platform's origin). The accepted kinds are the documents a construction-market case carries.

The default storage, :class:`TransactionalFileSystemStorage`, deletes a file again when the database transaction it
was written in is rolled back (see the notes above it); :func:`sweep_orphan_files` deletes, nightly, the files no row
names any more."""

from __future__ import annotations

import logging
import os
import stat
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.db import DEFAULT_DB_ALIAS, connections, models
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


# ------------------------------------------------------------------------------------------------ orphan files sweep
#
# What the ledger above cannot settle: a process killed in the middle of a transaction (its rollback never runs in
# Python), a delete that failed, a row deleted later (Django never deletes a ``FileField``'s file with its row), a
# document's earlier revision replaced by its sealed one (the sealed PDF carries it as an incremental update). Those
# files stay under ``MEDIA_ROOT`` with no row pointing at them: personal data nobody can reach through the
# permission-checked views, and disk nobody can account for. The nightly sweep (``flows/storage_sweep.py``,
# ``manage.py sweep_orphan_files``) deletes every file under the default storage that no ``FileField`` of any model
# names and that is older than the grace period (``ORPHAN_FILE_GRACE_HOURS``: a transaction still open may have
# written it and not committed yet).

SWEEP_BATCH = 500  # names checked against the database per query


@dataclass
class OrphanSweep:
    """What one sweep found (and, unless it was a dry run, deleted)."""

    dry_run: bool
    grace_hours: int
    scanned: int = 0  # files under the storage's root
    recent: int = 0  # not referenced but inside the grace period: left alone
    orphans: list[str] = field(default_factory=list)  # storage names, sorted
    orphan_bytes: int = 0
    failed: list[str] = field(default_factory=list)  # could not be deleted (logged)

    def summary(self) -> str:
        verb = "可清理" if self.dry_run else "已清理"
        text = (
            f"扫描文件 {self.scanned} 个，{verb}无引用文件 {len(self.orphans)} 个（{_human_size(self.orphan_bytes)}），"
            f"宽限期（{self.grace_hours} 小时）内未处理 {self.recent} 个"
        )
        if self.failed:
            text += f"，删除失败 {len(self.failed)} 个"
        return text

    def as_data(self, sample: int = 50) -> dict[str, Any]:
        """For the audit record: the counts and the first ``sample`` names (the full list is in the command's
        output)."""
        return {
            "dry_run": self.dry_run,
            "grace_hours": self.grace_hours,
            "scanned": self.scanned,
            "recent": self.recent,
            "orphans": len(self.orphans),
            "orphan_bytes": self.orphan_bytes,
            "failed": len(self.failed),
            "names": self.orphans[:sample],
        }


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


def file_fields_on(storage: Any) -> list[tuple[type[models.Model], Any]]:
    """Every concrete ``FileField`` (and subclass) of every installed model whose files go to ``storage``."""
    found = []
    for model in apps.get_models():
        meta: Any = model._meta
        if meta.proxy or not meta.managed:
            continue
        for model_field in meta.concrete_fields:
            if isinstance(model_field, models.FileField) and _same_storage(model_field.storage, storage):
                found.append((model, model_field))
    return found


def _same_storage(one: Any, other: Any) -> bool:
    return one is other or (
        isinstance(one, FileSystemStorage)
        and isinstance(other, FileSystemStorage)
        and os.path.realpath(one.location) == os.path.realpath(other.location)
    )


def _referenced(names: list[str], fields: list[tuple[type[models.Model], Any]]) -> set[str]:
    """Which of ``names`` some row still names."""
    found: set[str] = set()
    for model, model_field in fields:
        wanted = [name for name in names if name not in found]
        if not wanted:
            break
        found.update(
            model._base_manager.filter(**{f"{model_field.attname}__in": wanted}).values_list(model_field.attname, flat=True)
        )
    return found


def _walk(root: str) -> Iterator[tuple[str, os.stat_result]]:
    """Every regular file under ``root`` (links are not followed: a link out of the media directory is not ours),
    as its storage name (``/``-separated, relative to ``root``) and its ``lstat``."""
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories.sort()
        for file_name in sorted(files):
            path = os.path.join(directory, file_name)
            try:
                status = os.lstat(path)
            except FileNotFoundError:  # deleted while we walked
                continue
            if stat.S_ISREG(status.st_mode):
                yield os.path.relpath(path, root).replace(os.sep, "/"), status


def sweep_orphan_files(*, grace_hours: int | None = None, dry_run: bool = False, storage: Any = None) -> OrphanSweep:
    """Delete (``dry_run``: only list) the files under ``storage`` (the default storage) that no ``FileField`` of
    any model names and that were last modified more than ``grace_hours`` ago (``settings.ORPHAN_FILE_GRACE_HOURS``).

    Names are checked against the database in batches, so the sweep runs in bounded memory however many files there
    are. A file that cannot be deleted is logged and reported, never raised: the next run tries again.
    """
    from django.conf import settings
    from django.core.files.storage import default_storage

    storage = storage if storage is not None else default_storage
    grace_hours = settings.ORPHAN_FILE_GRACE_HOURS if grace_hours is None else grace_hours
    if grace_hours < 1:
        raise ValueError("宽限期至少 1 小时：更短会删掉尚未提交的事务刚写入的文件。")
    report = OrphanSweep(dry_run=dry_run, grace_hours=grace_hours)
    root = getattr(storage, "location", None)
    if not root or not os.path.isdir(root):
        return report  # nothing stored yet
    fields = file_fields_on(storage)
    cutoff = time.time() - grace_hours * 3600
    batch: list[tuple[str, os.stat_result]] = []

    def settle(batch: list[tuple[str, os.stat_result]]) -> None:
        referenced = _referenced([name for name, _status in batch], fields)
        for name, status in batch:
            if name in referenced:
                continue
            if status.st_mtime > cutoff:
                report.recent += 1
                continue
            report.orphans.append(name)
            report.orphan_bytes += status.st_size
            if not dry_run:
                try:
                    os.remove(os.path.join(root, name))
                except FileNotFoundError:
                    pass
                except OSError:
                    logger.warning("could not delete the orphan file %s", name, exc_info=True)
                    report.failed.append(name)

    for entry in _walk(root):
        report.scanned += 1
        batch.append(entry)
        if len(batch) >= SWEEP_BATCH:
            settle(batch)
            batch = []
    if batch:
        settle(batch)
    report.orphans.sort()
    return report
