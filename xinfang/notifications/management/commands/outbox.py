"""`manage.py outbox --json [--run-due] [--limit N]`: the messages, newest first; `--run-due` first sends
what is due in this process, so it works without a worker."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.notifications import selectors, sending


class Command(BaseCommand):
    help = "列出通知消息（最新在前）；--run-due 先发送到期的消息"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 列表")
        parser.add_argument("--run-due", action="store_true", help="先发送到期的消息（无需后台 worker）")
        parser.add_argument("--limit", type=int, default=200, help="最多列出多少条（默认 200）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["run_due"]:
            stats = sending.run_due()
            if not options["json"]:
                self.stdout.write("已处理：" + (json.dumps(stats, ensure_ascii=False) if stats else "无到期消息"))
        rows = selectors.outbox_rows(selectors.outbox_list()[: max(options["limit"], 0)])
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                f"{r['created_at'][:16]}  {r['channel']:<5} {r['to']:<16} {r['event']:<18} "
                f"{r['case'] or '—':<20} {r['state']:<9} {r['attempts']}"
            )
