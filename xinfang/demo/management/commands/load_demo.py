"""`manage.py load_demo`: load the demo organisation, logins and cases (idempotent)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.petitions.workflow import Status


class Command(BaseCommand):
    help = "载入演示数据：周口市的区划、单位、演示账号、分办规则和约300件各状态的信访事项（可重复执行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--codes-file", type=Path, default=None, help="查询码文件的位置（默认 var/demo_codes.json）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from xinfang.demo.city.loader import load_demo

        started = time.monotonic()
        result = load_demo(codes_file=options["codes_file"], log=lambda msg: self.stdout.write(msg))
        labels = dict(Status.choices)
        parts = [f"{labels.get(s, s)} {n}" for s, n in sorted(result.by_status.items(), key=lambda kv: -kv[1])]
        self.stdout.write(f"信访事项共 {result.petitions} 件：" + "，".join(parts))
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪（{time.monotonic() - started:.1f} 秒）。运行 manage.py demo_logins 查看演示账号。"
            )
        )
