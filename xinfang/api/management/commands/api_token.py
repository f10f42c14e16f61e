"""python manage.py api_token create --unit CODE --roles clerk,dispatcher --name NAME
                   api_token revoke NAME
                   api_token list

`create` prints the token on its last line, once: only its SHA-256 digest is stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.accounts.models import Unit
from xinfang.api import services
from xinfang.api.models import ApiToken
from xinfang.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "签发、吊销和列出 REST API 令牌"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="签发令牌（令牌只显示一次，在最后一行）")
        create.add_argument("--unit", required=True, help="单位编码")
        create.add_argument("--roles", required=True, help="岗位，逗号分隔，如 clerk,dispatcher")
        create.add_argument("--name", required=True, help="令牌名称（唯一），如 12345热线平台")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("name")
        sub.add_parser("list", help="列出令牌")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            unit = Unit.objects.filter(code=options["unit"].strip()).first()
            if unit is None:
                raise CommandError(f"未知的单位编码：{options['unit']}")
            try:
                issued = services.api_token_create(
                    name=options["name"], unit=unit, roles=options["roles"].split(","), actor="命令行"
                )
            except ValidationFailed as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(
                f"已签发令牌“{issued.credential.name}”：{unit.name}，服务账号 {issued.credential.user}"
                "。令牌只显示这一次，请立即保存："
            )
            self.stdout.write(issued.raw)
        elif action == "revoke":
            token = ApiToken.objects.filter(name=options["name"]).first()
            if token is None:
                raise CommandError(f"没有名为“{options['name']}”的令牌")
            try:
                services.credential_revoke(credential=token, actor="命令行")
            except ValidationFailed as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"已吊销令牌“{token.name}”")
        else:
            for token in ApiToken.objects.select_related("unit", "user").order_by("name"):
                roles = ",".join(sorted(token.user.memberships.filter(unit=token.unit).values_list("role", flat=True)))
                state = f"已吊销 {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "有效"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "从未使用"
                self.stdout.write(
                    f"{token.name}\t{token.unit.code}\t{roles}\t{token.prefix}…\t{state}\t最近使用：{used}"
                )
