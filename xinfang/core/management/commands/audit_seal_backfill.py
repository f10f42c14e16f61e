"""Seal an upgraded database's older timeline rows and stored documents in the audit chain (once, after the
upgrade that introduced sealing); print a progress line per batch and a JSON summary."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.audit import seal_backfills
from xinfang.core.audit_backfill import seal_backfill

SHOWN = 50


class Command(BaseCommand):
    help = (
        "为升级前写入、尚无审计记录封存的办理记录与文书补充封存：分批写入审计记录（audit.backfill），"
        "可重复运行（已封存的不再处理）；疑似被篡改或插入的记录不封存，列出并以非零状态退出"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="每条审计记录封存的记录数（默认 1000）")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不写入")
        parser.add_argument(
            "--include-later",
            action="store_true",
            help="也封存写于开始封存之后的无封存记录（仅在核实这些记录确属真实之后使用）",
        )
        parser.add_argument("--kind", action="append", choices=sorted(seal_backfills()), help="只处理这一类")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 必须是正整数")
        summary = seal_backfill(
            batch_size=options["batch_size"],
            include_later=options["include_later"],
            dry_run=options["dry_run"],
            kinds=options.get("kind"),
            progress=lambda line: self.stderr.write(line),
        )
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        refused = summary.refused
        if refused:
            lines = [str(p) for p in refused[:SHOWN]]
            if len(refused) > SHOWN:
                lines.append(f"……另有 {len(refused) - SHOWN} 条")
            raise CommandError(f"有 {len(refused)} 条记录未补封存：\n" + "\n".join(lines), returncode=1)
