"""``manage.py escalate_overdue``: escalate every work item past its due date once (audit + ``tasks.overdue``
event through the outbox). Run it from a schedule (cron / a Prefect flow every few minutes)."""

from django.core.management.base import BaseCommand

from security.context import system_actor
from tasks.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue work items (超期督办): one audit record and one tasks.overdue event each."

    def handle(self, *args, **options):
        total = 0
        with system_actor("manage.py escalate_overdue"):
            while True:
                batch = escalate_overdue()
                total += len(batch)
                if len(batch) < 500:
                    break
        self.stdout.write(f"超期督办：{total} 件")
