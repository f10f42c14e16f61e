"""Build again the indexes a bulk load dropped and did not rebuild (core.deferred_indexes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xinfang.core import deferred_indexes


class Command(BaseCommand):
    help = "重建批量载入时被暂时删除、因载入中断而未重建的索引（仅 PostgreSQL）"

    def handle(self, *args: Any, **options: Any) -> None:
        built = deferred_indexes.restore(log=lambda m: self.stderr.write(m))
        if built:
            self.stdout.write(self.style.SUCCESS(f"已重建 {built} 个索引"))
        else:
            self.stdout.write("没有待重建的索引")
