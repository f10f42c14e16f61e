"""`manage.py import_petitions FILE [--office CODE] [--partial]`: import historical petitions from .xlsx/.csv."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.petitions import importer
from xinfang.petitions.management.progress import Progress


class Command(BaseCommand):
    help = (
        "从Excel（.xlsx）或CSV导入历史信访事项。默认全部正确才导入；--partial 只导入正确的行。"
        "同一文件重复导入不会重复登记。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--office", default="", help="登记的信访部门编码（单位编码）")
        parser.add_argument("--partial", action="store_true", help="只导入正确的行，问题行列出")
        parser.add_argument(
            "--max-mb", type=int, default=None, help="文件大小上限（MB），默认同网页（XINFANG_IMPORT_MAX_BYTES，20 MB）"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        started = time.monotonic()
        progress = Progress(total=None, stream=sys.stderr, enabled=not opts["no_progress"], label="导入")

        def tick(rows: int) -> None:
            progress.advance(rows - progress.done)

        def known_total(rows: int) -> None:  # told before the first row: the bar then shows a percentage
            progress.total = rows

        with path.open("rb") as fh:
            report = importer.import_file(
                fh,
                filename=path.name,
                office_code=opts["office"],
                partial=opts["partial"],
                progress=tick,
                total=known_total,
                max_size=opts["max_mb"] * 1048576 if opts["max_mb"] else None,
            )
        progress.close()
        for problem in report.problems[:200]:
            self.stdout.write(str(problem))
        if len(report.problems) > 200:
            self.stdout.write(f"……另有{len(report.problems) - 200}个问题未列出")
        elapsed = time.monotonic() - started
        rate = report.rows / elapsed if elapsed else 0
        line = f"{report.summary()}（用时{elapsed:.1f}秒，{rate:,.0f}行/秒）"
        if report.committed or (not report.problems):
            self.stdout.write(self.style.SUCCESS(line))
        else:
            self.stdout.write(self.style.ERROR(line))
            raise CommandError("导入未完成，见上面的问题清单")
