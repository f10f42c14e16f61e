"""`manage.py demo_logins`: print the demo accounts and the portal codes of the showcase cases."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)) + " |", line]
    out += ["| " + " | ".join(_pad(str(c), w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    out.append(line)
    return "\n".join(out)


class Command(BaseCommand):
    help = "列出演示账号（用户名、密码、岗位、单位、可以试什么）和示例事项的门户查询码。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--codes-file", type=Path, default=None, help="查询码文件的位置（默认 var/demo_codes.json）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from xinfang.accounts.models import Role
        from xinfang.demo.city.loader import codes_path
        from xinfang.demo.city.logins import NAMED, PASSWORD, all_logins
        from xinfang.demo.city.org import build_names

        unit_names = build_names()
        role_labels = dict(Role.choices)
        rows = []
        for login in NAMED:
            roles = "、".join(dict.fromkeys(str(role_labels[r]) for _u, rs in login.posts for r in rs))
            units = "、".join(dict.fromkeys(unit_names.get(u, u) for u, _rs in login.posts))
            rows.append([login.username, PASSWORD, roles, units, login.hint])
        self.stdout.write("演示账号（密码相同，仅供演示，切勿用于生产环境）：")
        self.stdout.write(table(["用户名", "密码", "岗位", "单位", "可以试试"], rows))
        others = [f"{login.username}（{login.full_name}）" for login in all_logins()[len(NAMED) :]]
        self.stdout.write("其他演示账号（密码同上，承担各县区、市直部门的全部岗位）：" + "、".join(others))

        path = options["codes_file"] or codes_path()
        if not path.exists():
            self.stdout.write(f"\n未找到查询码文件 {path}：请先运行 manage.py load_demo。")
            return
        data = json.loads(path.read_text(encoding="utf-8"))
        self.stdout.write("\n群众门户 /portal/lookup/ ：用“信访件编号 + 查询码”查询进度、评价、申请复查。")
        seed = data.get("seed")
        if seed:
            self.stdout.write("示例事项（来电反映窨井盖破损，已办结、满意）：")
            self.stdout.write(
                table(
                    ["编号", "查询码", "状态", "标题"],
                    [[seed["number"], seed["query_code"], seed["status"], seed["title"]]],
                )
            )
        replied = data.get("replied") or []
        if replied:
            self.stdout.write("已答复待评价的事项（可在门户上评价或申请复查）：")
            self.stdout.write(
                table(
                    ["编号", "查询码", "状态", "标题"],
                    [[r["number"], r["query_code"], r["status"], r["title"]] for r in replied],
                )
            )
