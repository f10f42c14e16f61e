"""`manage.py stats_snapshot [--enqueue] [--month YYYY-MM] [--force]`: freeze last month's figures of
every area with a 信访部门 (run monthly by the scheduler, docs/operations.md)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "冻结上月（或指定月份）各辖区的统计数据快照"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default="", help="月份 YYYY-MM，默认上月")
        parser.add_argument("--force", action="store_true", help="已冻结的也重新冻结（生成新版本，旧版本保留）")
        parser.add_argument("--enqueue", action="store_true", help="交后台任务执行（db_worker）")

    def handle(self, *args: Any, **opts: Any) -> None:
        from xinfang.statistics import services, tasks

        year = month = None
        if opts["month"]:
            try:
                y, m = opts["month"].split("-")
                year, month = int(y), int(m)
                if not 1 <= month <= 12 or not 1990 <= year <= 2100:
                    raise ValueError
            except ValueError:
                self.stderr.write(f"月份“{opts['month'][:20]}”无效，应为如2026-03的格式")
                sys.exit(2)
        if opts["enqueue"]:
            result = tasks.freeze_monthly_snapshots.enqueue(year=year, month=month, force=opts["force"])
            self.stdout.write(json.dumps({"enqueued": str(result.id)}, ensure_ascii=False))
            return
        counts = services.snapshot_month(year=year, month_=month, force=opts["force"])
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
