"""``manage.py sweep_orphan_files [--dry-run] [--grace-hours N]``: delete the uploaded files no row names any more.

See :func:`domain.storage.sweep_orphan_files`; the same sweep runs nightly as the Prefect flow ``storage-orphan-sweep``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flows.storage_sweep import run_sweep


class Command(BaseCommand):
    help = "清理无引用的上传文件（进程中断、记录删除后留下的文件）；--dry-run 只列出不删除"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出将被清理的文件，不删除")
        parser.add_argument("--grace-hours", type=int, default=None,
                            help="宽限期（小时）：更新的文件不处理；默认取 ORPHAN_FILE_GRACE_HOURS")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = run_sweep(dry_run=options["dry_run"], grace_hours=options["grace_hours"],
                               actor="manage.py sweep_orphan_files")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for name in report.orphans:
            self.stdout.write(("  将清理 " if report.dry_run else "  已清理 ") + name)
        for name in report.failed:
            self.stderr.write("  删除失败 " + name)
        self.stdout.write(self.style.SUCCESS(report.summary()) if not report.failed else report.summary())
