"""python manage.py deadlines_recompute --reason "升级 chinesecalendar 至 1.12" — after a calendar upgrade."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.petitions.deadlines.sweep import deadlines_recompute


class Command(BaseCommand):
    help = "按当前规则和节假日日历重新计算所有进行中的期限，并记入办理记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reason", default="节假日日历更新", help="记入办理记录的原因")

    def handle(self, *args: Any, **options: Any) -> None:
        changed = deadlines_recompute(reason=options["reason"])
        self.stdout.write(f"到期日发生变化的期限：{changed}项")
