"""Delete stored document files that no document names (left by a rolled-back transaction). Nightly, beside
prune_db_task_results (docs/operations.md). Prints one JSON object: checked, orphans, deleted."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.documents.services import documents_prune


class Command(BaseCommand):
    help = "删除没有文书记录对应的已存文件（事务回滚后留下的）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")
        parser.add_argument("--grace-minutes", type=int, default=60, help="不删除这么多分钟内写入的文件（默认60）")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["grace_minutes"]
        if minutes < 0:
            raise CommandError("--grace-minutes 不能为负数", returncode=2)
        result = documents_prune(grace=dt.timedelta(minutes=minutes), dry_run=options["dry_run"])
        self.stdout.write(json.dumps(result, ensure_ascii=False))
