from django.core.management.base import BaseCommand

from integrations import outbox


class Command(BaseCommand):
    help = "Deliver every outbox message that is due (safe to run repeatedly and concurrently)."

    def handle(self, *args, **options):
        counts = outbox.deliver_due()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
