from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from security import acl, audit
from security.context import system_actor


class Command(BaseCommand):
    help = "Check the HMAC of every user-role assignment; --reseal accepts the current state after review."

    def add_arguments(self, parser):
        parser.add_argument("--reseal", action="store_true", help="seal all current assignments as authorised")

    def handle(self, *args, **options):
        if options["reseal"]:
            with system_actor("manage.py verify_acl --reseal"), transaction.atomic():
                count = acl.reseal_all()
                audit.record(action="security.acl_resealed", summary=f"管理员确认并重新签名 {count} 条角色分配")
            self.stdout.write(self.style.SUCCESS(f"已重新签名 {count} 条角色分配。"))
            return
        issues = acl.verify_assignments()
        if issues:
            for issue in issues:
                self.stderr.write(str(issue))
            raise CommandError(f"发现 {len(issues)} 处角色分配完整性问题。")
        self.stdout.write(self.style.SUCCESS("角色分配完整性校验通过。"))
