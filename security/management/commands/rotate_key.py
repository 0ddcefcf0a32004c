from django.core.management.base import BaseCommand, CommandError

from security import audit
from security.context import system_actor
from security.keystore import keystore
from security.rekey import reencrypt_all

PURPOSES = ("field", "blind-index", "audit", "acl")


class Command(BaseCommand):
    help = (
        "Rotate a symmetric key (field, blind-index, audit, acl). Old versions stay for reading. "
        "For field and blind-index keys, --reencrypt (default on) rewrites all encrypted rows under the new key."
    )

    def add_arguments(self, parser):
        parser.add_argument("purpose", choices=PURPOSES)
        parser.add_argument("--no-reencrypt", action="store_true", help="only create the new version")

    def handle(self, *args, **options):
        purpose = options["purpose"]
        if purpose not in PURPOSES:
            raise CommandError("不支持的密钥用途。")
        with system_actor("manage.py rotate_key"):
            old = keystore().current_id(purpose)
            new = keystore().rotate(purpose)
            audit.record(action="security.key_rotated", summary=f"密钥更新 {old} → {new}", data={"old": old, "new": new})
            self.stdout.write(f"{old} → {new}")
            if purpose in ("field", "blind-index") and not options["no_reencrypt"]:
                count = reencrypt_all(out=self.stdout.write)
                audit.record(action="security.data_reencrypted", summary=f"用新密钥 {new} 重写 {count} 行加密数据",
                             data={"key": new, "rows": count})
                self.stdout.write(self.style.SUCCESS(f"已用新密钥重写 {count} 行加密数据。"))
