"""`manage.py stats_report --office CODE --period 2026-11 [--quarter] --out F.docx`: the 月报 (or, with
--quarter and --period 2026-Q4, the 季报) of the office's area, stored as a Document version with its
文号 and written to F.docx."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.accounts.models import Unit
from xinfang.core.errors import DomainError
from xinfang.core.timeutil import local_date
from xinfang.documents.services import document_content
from xinfang.statistics import periods, report


class Command(BaseCommand):
    help = "生成信访部门辖区的统计月报/季报（.docx），登记为文书并写入文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", default="", help="信访部门单位编码")
        parser.add_argument("--period", default="", help="月份 2026-11；与 --quarter 同用时为季度 2026-Q4")
        parser.add_argument("--quarter", action="store_true", help="生成季报")
        parser.add_argument("--rank", default="on_time_reply_rate", help="单位排名所用指标（默认按期答复率）")
        parser.add_argument("--out", default="", help="输出文件（.docx）")

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args: Any, **opts: Any) -> None:
        code = (opts["office"] or "").strip()
        office = Unit.objects.select_related("area").filter(code=code).first() if code else None
        if office is None:
            self.fail(f"单位编码“{code}”不存在" if code else "请用 --office 指定信访部门单位编码")
            return
        if office.kind != Unit.Kind.XINFANG:
            self.fail(f"“{office.name}”不是信访部门，请指定信访部门的单位编码")
        if not opts["out"]:
            self.fail("请用 --out 指定输出文件，如 --out 月报.docx")
        if not opts["period"]:
            self.fail("请用 --period 指定统计月份（如 2026-11），季报加 --quarter 并写季度（如 2026-Q4）")
        kind = "quarter" if opts["quarter"] else "month"
        try:
            period = periods.from_params(kind=kind, value=opts["period"], date_from="", date_to="", today=local_date())
            doc = report.report_issue(
                actor="统计报告命令", req=report.office_request(office, period, rank=opts["rank"]), office=office
            )
        except DomainError as exc:
            self.fail(exc.message)
            return
        out = Path(opts["out"])
        try:
            out.write_bytes(document_content(doc))
        except OSError as exc:
            self.fail(f"无法写入“{out}”：{exc.strerror}")
        self.stdout.write(f"{doc.title}（{doc.doc_number}，第{doc.version}版）已写入 {out}")
