"""Publish a signed anchor of the audit chain's head (run by a timer; docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core import anchor


class Command(BaseCommand):
    help = "对审计链末端签名并发布锚点（追加写入锚点文件，并按配置发送邮件或推送到第二系统）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行（db_worker）")
        parser.add_argument("--generate-key", action="store_true", help="生成一个新的锚点签名私钥并打印")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            self.stdout.write(anchor.generate_key())
            return
        if options["enqueue"]:
            from xinfang.core.tasks import publish_anchor

            result = publish_anchor.enqueue()
            self.stdout.write(f"已排队：{result.id}")
            return
        try:
            published = anchor.anchor_publish()
        except RuntimeError as exc:
            raise CommandError(f"锚点已写入文件，但未能送达第二系统：{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已发布锚点：第 {published['last_id']} 条，{published['last_hash']}"))
