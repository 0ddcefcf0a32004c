"""``manage.py publish_processes [folder ...]``: validate and publish process models (发布流程模型)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from processes.engine.definitions import PublishError, publish_all, publish_directory
from security.context import system_actor


class Command(BaseCommand):
    help = "Validate processes/models/<procedure>/ (or the given folders) and publish new versions."

    def add_arguments(self, parser):
        parser.add_argument("folders", nargs="*", help="procedure folders (default: every one under processes/models)")

    def handle(self, *args, folders=(), **options):
        try:
            with system_actor("manage.py publish_processes"):
                if folders:
                    results = [r for folder in folders for r in publish_directory(Path(folder))]
                else:
                    results = publish_all()
        except PublishError as exc:
            raise CommandError(exc.message) from exc
        for definition, created in results:
            verb = "published" if created else "unchanged"
            self.stdout.write(f"{verb}: {definition.key} v{definition.version} ({definition.content_hash[:12]})")
