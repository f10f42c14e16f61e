"""python manage.py deadlines_sweep — run every few minutes (cron/systemd timer); idempotent."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from xinfang.deadlines.services import deadlines_sweep


class Command(BaseCommand):
    help = "更新各信访事项的期限状态（正常/即将到期/已超期），每项预警只发送一次"

    def handle(self, *args: Any, **options: Any) -> None:
        stats = deadlines_sweep()
        self.stdout.write(json.dumps(stats, ensure_ascii=False))
