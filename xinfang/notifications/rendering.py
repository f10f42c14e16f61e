"""Templates to text: placeholders, the SMS length limit, quiet hours. Pure functions (no ORM)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def fill(template: str, values: dict[str, str]) -> str:
    """`{name}` → values[name] ('' when absent). No attribute or index access: administrators edit the
    templates, and a template must not reach into Python objects."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), template)


def cut_sms(text: str, *, limit: int, link: str) -> str:
    """`text` if it fits in `limit` characters; otherwise cut at a character (code point) boundary, with
    "…" and the portal link, so the petitioner can read the rest. The link is never cut."""
    if limit <= 0 or len(text) <= limit:
        return text
    tail = f"…详见{link}" if link else "…"
    if link and link in text:  # the template already ends with the link: cut before it
        text = text.replace(f"详见{link}", "").replace(link, "").rstrip()
    room = max(limit - len(tail), 0)
    return text[:room].rstrip() + tail


def parse_quiet_hours(spec: str) -> tuple[dt.time, dt.time] | None:
    """ "21:00-08:00" → (21:00, 08:00); "" or "off" → None."""
    spec = (spec or "").strip()
    if not spec or spec.lower() in {"off", "none", "0"}:
        return None
    start, end = (dt.time.fromisoformat(part.strip()) for part in spec.split("-", 1))
    return start, end


def quiet_until(now: dt.datetime, quiet: tuple[dt.time, dt.time] | None) -> dt.datetime | None:
    """The end of the quiet period `now` falls in (Asia/Shanghai), or None when it is not quiet."""
    if quiet is None:
        return None
    start, end = quiet
    local = now.astimezone(SHANGHAI)
    t = local.time()
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=SHANGHAI).astimezone(dt.UTC)


def parse_rates(spec: str) -> list[tuple[int, int]]:
    """ "5/hour,10/day" → [(5, 3600), (10, 86400)]."""
    seconds = {"minute": 60, "min": 60, "hour": 3600, "day": 86400}
    rates = []
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        count, _, per = part.partition("/")
        rates.append((int(count), seconds[per.strip()]))
    return rates


def sms_not_before(now: dt.datetime, *, urgent: bool) -> dt.datetime | None:
    """Quiet hours (XINFANG_SMS_QUIET_HOURS, Asia/Shanghai): a routine SMS waits for the morning."""
    if urgent:
        return None
    return quiet_until(now, parse_quiet_hours(settings.XINFANG_SMS_QUIET_HOURS))
