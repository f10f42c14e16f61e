"""python manage.py calendar_check — exits non-zero when this year's holidays, or (from 1 December) next
year's, are in neither chinesecalendar nor the override table. Run it from CI and from cron."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.deadlines.services import calendar_missing_years


class Command(BaseCommand):
    help = "检查节假日日历是否覆盖今年及（12月1日起）明年"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", default="", help="按该日期检查（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError(f"日期格式错误：{options['on']}，应为 YYYY-MM-DD", returncode=2) from None
        missing = calendar_missing_years(on=on)
        if missing:
            years = "、".join(f"{y}年" for y in missing)
            raise CommandError(
                f"{years}法定节假日安排缺失：请升级 chinesecalendar，或在系统管理中录入“节假日调整”"
                f"并登记“已录入节假日安排的年份”。在此之前工作日期限按周末推算，显示为“预计”。",
                returncode=1,
            )
        self.stdout.write("节假日日历完整")
