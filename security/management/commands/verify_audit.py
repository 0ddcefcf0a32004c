from django.core.management.base import BaseCommand, CommandError

from security.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's HMAC-SM3 hash chain and report the first broken link (exit 1 when broken)."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(report.message())
        self.stdout.write(self.style.SUCCESS(report.message()))
