from django.core.management.base import BaseCommand

from integrations import outbox
from security.context import system_actor


class Command(BaseCommand):
    help = "Deliver every outbox message that is due (safe to run repeatedly and concurrently)."

    def handle(self, *args, **options):
        with system_actor("manage.py deliver_outbox"):
            counts = outbox.deliver_due()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
