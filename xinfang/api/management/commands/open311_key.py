"""python manage.py open311_key --create NAME [--unit CODE]   (prints the key on its last line, once)
                   open311_key --revoke NAME
                   open311_key --list

A key is bound to an intake 信访部门: requests POSTed with it are registered there. Without --unit,
the first active 信访部门 (by unit path) is used."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.accounts.models import Unit
from xinfang.api import services
from xinfang.api.models import Open311Key
from xinfang.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "签发、吊销和列出 Open311 api_key"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--create", metavar="NAME", help="签发密钥（只显示一次，在最后一行）")
        group.add_argument("--revoke", metavar="NAME", help="吊销密钥")
        group.add_argument("--list", action="store_true", help="列出密钥")
        parser.add_argument("--unit", help="登记单位（信访部门）编码，默认为第一个信访部门")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["create"]:
            if options["unit"]:
                unit = Unit.objects.filter(code=options["unit"].strip()).first()
                if unit is None:
                    raise CommandError(f"未知的单位编码：{options['unit']}")
            else:
                unit = Unit.objects.filter(kind=Unit.Kind.XINFANG, active=True).order_by("path", "id").first()
                if unit is None:
                    raise CommandError("还没有信访部门：请先在系统管理中建立单位，或用 --unit 指定")
            try:
                issued = services.open311_key_create(name=options["create"], unit=unit, actor="命令行")
            except ValidationFailed as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(
                f"已签发 Open311 api_key“{issued.credential.name}”，登记单位：{unit.name}（{unit.code}）"
                "。密钥只显示这一次，请立即保存："
            )
            self.stdout.write(issued.raw)
        elif options["revoke"]:
            key = Open311Key.objects.filter(name=options["revoke"]).first()
            if key is None:
                raise CommandError(f"没有名为“{options['revoke']}”的密钥")
            try:
                services.credential_revoke(credential=key, actor="命令行")
            except ValidationFailed as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"已吊销 api_key“{key.name}”")
        else:
            for key in Open311Key.objects.select_related("unit").order_by("name"):
                state = f"已吊销 {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "有效"
                self.stdout.write(f"{key.name}\t{key.unit.code}\t{key.prefix}…\t{state}")
