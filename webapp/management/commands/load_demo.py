from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from security.context import system_actor
from webapp.demo import load_all


class Command(BaseCommand):
    help = "Load the demo world (demo mode only). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even when DEMO is off (tests)")

    def handle(self, *args, **options):
        if not settings.DEMO and not options["force"]:
            raise CommandError("演示数据只能在演示模式下加载（设置环境变量 DEMO=1）。")
        self.stdout.write("加载演示数据 …")
        with system_actor("manage.py load_demo"):
            load_all(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
