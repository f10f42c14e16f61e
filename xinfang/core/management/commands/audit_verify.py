"""Walk the audit chain; exit 1 naming the first broken record if any row was altered or deleted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.audit import audit_verify


class Command(BaseCommand):
    help = "校验审计记录哈希链：任何记录被修改或删除时以非零状态退出，并指出第一条异常记录"

    def handle(self, *args: Any, **options: Any) -> None:
        ok, count, broken, reason = audit_verify()
        if ok:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {count} 条记录"))
            return
        where = f"第一条异常记录 id={broken.pk}（{broken.at:%Y-%m-%d %H:%M:%S} {broken.action}）" if broken else "链尾"
        raise CommandError(f"审计链被破坏：{where}：{reason}（已校验 {count} 条）", returncode=1)
