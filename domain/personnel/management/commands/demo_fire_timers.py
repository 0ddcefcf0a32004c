"""``manage.py demo_fire_timers --days 6``: demo mode only — fire the BPMN timers that will be due within the
given number of days (e.g. to end a 5-day public notice while walking through a procedure in the demo)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from processes.engine import fire_due_timers
from security.context import system_actor


class Command(BaseCommand):
    help = "演示模式：提前触发指定天数内到期的流程定时器（如公示期满）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=6)

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("只能在演示模式（DEMO=1）下使用。")
        with system_actor("manage.py demo_fire_timers"):
            fired = fire_due_timers(now=timezone.now() + timedelta(days=options["days"]))
        self.stdout.write(f"{len(fired)} 个定时器已触发")
