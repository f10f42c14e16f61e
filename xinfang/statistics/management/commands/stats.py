"""`manage.py stats --office CODE --from YYYY-MM-DD --to YYYY-MM-DD`: one JSON object of the figures of
the office's area (its 辖区) for those dates."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.accounts.models import Unit
from xinfang.core.errors import ValidationFailed
from xinfang.statistics import figures, periods


class Command(BaseCommand):
    help = "打印一个信访部门辖区在指定期间的统计数据（JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", default="", help="信访部门单位编码")
        parser.add_argument("--from", dest="date_from", default="", help="起始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", default="", help="截止日期 YYYY-MM-DD（含）")
        parser.add_argument("--no-units", action="store_true", help="不输出各单位（by_unit）")

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args: Any, **opts: Any) -> None:
        code = (opts["office"] or "").strip()
        if not code:
            self.fail("请用 --office 指定信访部门单位编码")
        office = Unit.objects.select_related("area").filter(code=code).first()
        if office is None:
            self.fail(f"单位编码“{code}”不存在")
            return
        if office.kind != Unit.Kind.XINFANG:
            self.fail(f"“{office.name}”不是信访部门，请指定信访部门的单位编码")
        if not opts["date_from"] or not opts["date_to"]:
            self.fail("请用 --from 和 --to 指定统计起止日期（YYYY-MM-DD）")
        try:
            period = periods.custom(
                periods.parse_date(opts["date_from"], "from"), periods.parse_date(opts["date_to"], "to")
            )
        except ValidationFailed as exc:
            self.fail(exc.message)
            return
        out = figures.summary(figures.Scope(area=office.area), period, units=not opts["no_units"])
        out = {"office": office.code, "office_name": office.name, "area": office.area.code, **out}
        self.stdout.write(json.dumps(out, ensure_ascii=False))
