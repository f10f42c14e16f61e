"""`manage.py screening_sweep`: today's 即将到期 / 已超期 on the open disputes (run daily, beside deadlines_sweep)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xinfang.screening.services import deadlines_sweep


class Command(BaseCommand):
    help = "更新未办结矛盾纠纷的期限状态（即将到期、已超期），建议每日与 deadlines_sweep 一同运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        changed = deadlines_sweep()
        self.stdout.write(f"矛盾纠纷期限状态已更新：{changed} 件有变化")
