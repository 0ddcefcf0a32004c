"""``manage.py migrate_instances <key> [--to-version N] [--from-version N] [--dry-run]`` (流程实例迁移)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from domain.errors import DomainError
from processes.engine.migration import migrate_instances
from security.context import system_actor


class Command(BaseCommand):
    help = "Move running instances of a process to a newer published version when safe (dry run lists changes)."

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("--to-version", type=int)
        parser.add_argument("--from-version", type=int)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, key, to_version=None, from_version=None, dry_run=False, **options):
        try:
            with system_actor("manage.py migrate_instances"):
                plans = migrate_instances(key, to_version=to_version, from_version=from_version, dry_run=dry_run)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for plan in plans:
            head = f"instance {plan.instance_id}: v{plan.from_version} -> v{plan.to_version}"
            if not plan.safe:
                self.stdout.write(f"{head} REFUSED: {'; '.join(plan.reasons)}")
                continue
            verb = "migrated" if plan.migrated else "would migrate"
            self.stdout.write(f"{head} {verb}; reset: {plan.changed or '-'}; new elements: {plan.added or '-'}")
        self.stdout.write(f"{sum(p.migrated for p in plans)} migrated, {sum(not p.safe for p in plans)} refused")
