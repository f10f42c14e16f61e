"""`manage.py campaign_board --office CODE`: the boards of an office's campaigns as one JSON list."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.accounts.models import Unit
from xinfang.screening.models import Campaign
from xinfang.screening.selectors import board_build


class Command(BaseCommand):
    help = "输出某单位牵头的专项攻坚作战图数据（JSON 列表：名称、排查数、挂图数、化解数及按区域的分布）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", required=True, help="牵头单位编码，如 DC-XFJ")

    def handle(self, *args: Any, **options: Any) -> None:
        office = Unit.objects.filter(code=options["office"]).first()
        if office is None:
            raise CommandError(f"单位编码不存在：{options['office']}")
        out = [
            board_build(None, area=campaign.area, campaign=campaign).as_json()
            for campaign in Campaign.objects.filter(office=office).select_related("area").order_by("starts_on", "id")
        ]
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
