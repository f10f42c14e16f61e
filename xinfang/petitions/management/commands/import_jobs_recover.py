"""python manage.py import_jobs_recover — run before a task worker starts (make worker, systemd ExecStartPre)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xinfang.petitions.import_jobs import import_jobs_recover


class Command(BaseCommand):
    help = "把后台服务停止时中断的导入任务标记为“中断”（中断的导入不会留下任何数据）"

    def handle(self, *args: Any, **options: Any) -> None:
        ids = import_jobs_recover()
        if ids:
            self.stdout.write(f"已标记为中断的导入任务：{', '.join(map(str, ids))}")
