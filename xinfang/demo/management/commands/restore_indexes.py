"""Build again the indexes and foreign keys a bulk load dropped and did not rebuild (demo.volume.deferred_indexes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinfang.demo.volume import deferred_indexes


class Command(BaseCommand):
    help = "重建批量载入时被暂时删除、因载入中断而未重建的索引和外键约束（仅 PostgreSQL）"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            built = deferred_indexes.restore(log=lambda m: self.stderr.write(m))
        except deferred_indexes.RestoreError as exc:
            failed = "；".join(f"{label}（{reason}）" for label, reason in exc.failures)
            raise CommandError(
                f"有 {len(exc.failures)} 项未能重建：{failed}。其余均已重建。"
                "外键约束失败说明批量载入写入了不存在的引用：改正这些数据后再运行本命令。"
            ) from exc
        if built:
            self.stdout.write(self.style.SUCCESS(f"已重建 {built} 个索引和约束"))
        else:
            self.stdout.write("没有待重建的索引或约束")
