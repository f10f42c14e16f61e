"""Walk the audit chain and check what it seals; exit 1 naming the case and the row of every finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.audit_check import audit_report

SHOWN = 50


class Command(BaseCommand):
    help = (
        "校验审计记录哈希链及其封存的办理记录与文书：任何记录被修改、删除或插入时以非零状态退出，"
        "并指出所涉信访事项与记录；--anchors 另与已发布的锚点比对，发现整条链被改写"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anchors", metavar="FILE", help="锚点文件（audit_anchor 追加写入的 JSON 行）")

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = Path(options["anchors"]) if options.get("anchors") else None
        report = audit_report(anchors=anchors)
        lines = []
        if report.reason:
            b = report.broken
            where = f"第一条异常记录 id={b.pk}（{b.at:%Y-%m-%d %H:%M:%S} {b.action}）" if b else "链尾"
            lines.append(f"审计链被破坏：{where}：{report.reason}（已校验 {report.rows} 条）")
        findings = [*map(str, report.anchor_findings), *map(str, report.problems)]
        lines += findings[:SHOWN]
        if len(findings) > SHOWN:
            lines.append(f"……另有 {len(findings) - SHOWN} 处异常")
        if not report.ok:
            raise CommandError("\n".join(lines), returncode=1)
        anchored = f"，与 {report.anchors} 个锚点一致" if anchors is not None else ""
        self.stdout.write(
            self.style.SUCCESS(f"审计链完整：共校验 {report.rows} 条记录及其封存的办理记录与文书{anchored}")
        )
