"""``manage.py redact_process_data [--process KEY] [--dry-run]`` (存量流程数据个人信息补遮蔽)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from domain.errors import DomainError
from processes.engine.redaction import KeyCounts, redact_existing
from security.context import system_actor


def _counts(counts: KeyCounts, verb: str) -> str:
    return (
        f"检查实例 {counts.instances_scanned} 个，{verb}实例变量 {counts.instances_changed} 个、"
        f"办理记录 {counts.history_changed} 条、待办 {counts.work_items_changed} 条"
    )


class Command(BaseCommand):
    help = (
        "对标记为个人信息（x-pii）之前写入的流程数据补做掩码：按同一流程标识所有已发布版本标记的字段，"
        "改写实例变量快照、办理记录和待办中的明文副本；加密的流程状态不变。--dry-run 只统计不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--process", metavar="KEY", help="只处理该流程标识（默认处理全部流程）")
        parser.add_argument("--dry-run", action="store_true", help="只统计需要改写的记录，不写入数据库")

    def handle(self, *args, process=None, dry_run=False, **options):
        try:
            with system_actor("manage.py redact_process_data"):
                report = redact_existing(process_key=process, dry_run=dry_run)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        verb = "需改写" if dry_run else "已改写"
        for key, counts in report.by_key.items():
            if not counts.names:
                self.stdout.write(f"流程 {key}：未标记个人信息字段，无需处理")
                continue
            self.stdout.write(f"流程 {key}（个人信息字段：{'、'.join(counts.names)}）：{_counts(counts, verb)}")
        total = KeyCounts(
            names=[],
            instances_scanned=report.instances_scanned,
            instances_changed=report.instances_changed,
            history_changed=report.history_changed,
            work_items_changed=report.work_items_changed,
        )
        self.stdout.write(f"合计：{_counts(total, verb)}" + ("（试运行，未写入）" if dry_run else ""))
