"""``manage.py fire_timers``: the timer sweep (定时器扫描); safe to run twice or from several hosts."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from processes.engine import fire_due_timers
from security.context import system_actor


class Command(BaseCommand):
    help = "Fire every due BPMN timer and report how late each fired."

    def handle(self, *args, **options):
        with system_actor("manage.py fire_timers"):
            fired = fire_due_timers()
        for timer in fired:
            self.stdout.write(
                f"fired {timer.element_id} of instance {timer.instance_id}: due {timer.due_at:%Y-%m-%d %H:%M:%S}, "
                f"{timer.lateness_seconds:.1f}s late"
            )
        self.stdout.write(f"{len(fired)} timer(s) fired")
