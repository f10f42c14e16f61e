"""Time helpers: store UTC, show and count days in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_date(value: dt.datetime | None = None) -> dt.date:
    """The calendar date in Beijing of an aware datetime (now by default)."""
    value = value or timezone.now()
    return value.astimezone(SHANGHAI).date()


def today() -> dt.date:
    return local_date()


def start_of_local_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def format_cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
