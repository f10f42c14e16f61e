"""python manage.py deadlines_sweep — run every few minutes (systemd timer or cron, docs/operations.md); idempotent.

By default the sweep runs in this process and prints its counts, so a timer needs nothing else running.
With --enqueue it is queued for the task workers (`manage.py db_worker`) instead and the command returns
at once: the timer's host then needs no database-heavy work, and the sweep runs where the workers are.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.petitions.deadlines.sweep import deadlines_sweep
from xinfang.petitions.services.revisit import return_visits_sweep


class Command(BaseCommand):
    help = "更新各信访事项的期限状态（正常/即将到期/已超期），每项预警只发送一次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务服务执行（db_worker），不在本进程执行")

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            from xinfang.petitions.tasks import sweep_deadlines

            result = sweep_deadlines.enqueue()
            self.stdout.write(json.dumps({"enqueued": str(result.id)}, ensure_ascii=False))
            return
        stats: dict[str, Any] = deadlines_sweep()
        stats["return_visits"] = return_visits_sweep()  # unrated replies become 回访 tasks
        self.stdout.write(json.dumps(stats, ensure_ascii=False))
