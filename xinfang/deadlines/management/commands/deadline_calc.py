"""python manage.py deadline_calc --rule handle --start 2026-09-25 [--area 411621] → one JSON object."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.errors import ValidationFailed
from xinfang.deadlines.services import deadline_calculate


class Command(BaseCommand):
    help = "计算一个期限的到期日，输出 JSON：rule、start、due、estimated、basis"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rule", required=True, help="期限代码，如 handle、objection")
        parser.add_argument("--start", required=True, help="起算日 YYYY-MM-DD（次日开始计算）")
        parser.add_argument("--area", default="", help="区划代码（可选），按该区划适用的规则计算")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = dt.date.fromisoformat(options["start"])
        except ValueError:
            raise CommandError(f"日期格式错误：{options['start']}，应为 YYYY-MM-DD", returncode=2) from None
        try:
            calc = deadline_calculate(code=options["rule"], start=start, area_code=options["area"])
        except ValidationFailed as exc:
            raise CommandError(exc.message, returncode=2) from None
        result = calc.result
        payload = {
            "rule": calc.rule.code,
            "start": start.isoformat(),
            "due": result.due.isoformat(),
            "estimated": result.estimated,
            "basis": result.basis,
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
