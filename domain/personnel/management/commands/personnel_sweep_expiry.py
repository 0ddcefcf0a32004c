"""``manage.py personnel_sweep_expiry``: mark certificates expiring (3 months before expiry) or expired. Daily."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from domain.personnel.expiry import sweep_expiry
from security.context import system_actor


class Command(BaseCommand):
    help = "安管人员证书有效期扫描：进入延续期的标记为即将到期，届满未延续的标记为已过期。"

    def handle(self, *args, **options):
        with system_actor("manage.py personnel_sweep_expiry"):
            counts = sweep_expiry()
        self.stdout.write(f"即将到期 {counts['expiring']} 本，已过期 {counts['expired']} 本")
