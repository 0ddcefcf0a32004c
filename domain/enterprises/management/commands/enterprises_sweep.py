"""``manage.py enterprises_sweep [--on YYYY-MM-DD]``: run the date-driven steps of the enterprises context."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from domain.enterprises.services import run_sweeps
from security.context import system_actor


class Command(BaseCommand):
    help = "公告送达视为送达、逾期未整改、陈述申辩期满、暂扣期满恢复"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        with system_actor("manage.py enterprises_sweep"):
            result = run_sweeps(on=options["on"])
        for key, ids in result.items():
            self.stdout.write(f"{key}: {len(ids)}")
