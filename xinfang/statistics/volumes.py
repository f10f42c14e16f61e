"""The received cases counted by group and by month: the breakdowns (批次 and 人次 by channel, category,
area, unit and purpose) and the trend. Plain grouped queries over the period's received cases; the
headline's cohort rows (figures.py) answer where they already hold the counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from xinfang.accounts.models import Area, Unit
from xinfang.accounts.reference import area_by_code
from xinfang.core.timeutil import SHANGHAI
from xinfang.petitions.models import Channel, Petition, Purpose
from xinfang.petitions.reference import category_copy

from . import definitions as d
from . import figures
from .config import StatsConfig
from .periods import Period, add_months, month


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "未填写"


# The breakdowns whose values are few (choices, the category tree): counted in one query grouped by all of them.
SMALL_DOMAINS = ("channel", "purpose", "category")


def breakdowns(
    scope: figures.Scope,
    period: Period,
    *,
    today: dt.date | None = None,
    config: StatsConfig | None = None,
    memo: figures.Memo | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """批次 and 人次 of the received cases by channel, category (first level), area (one level below the
    scope's area), unit and purpose, rolled up over the groups in Python. Channel, purpose and category
    come from one query grouped by the three (a few hundred groups: their values are few), area and unit
    from one each; by unit, the headline's cohort rows (`memo`) already hold them (the period's received
    cases by 承办单位)."""
    ctx = figures.ctx_for(period, today, config)
    base = Petition.objects.filter(scope.q() & d.received(ctx))
    cohort = figures.cohort_read(memo, ((period.start, period.end),))
    fields = {key: field_name for key, _label_text, field_name in d.BREAKDOWNS}
    together = [fields[k] for k in SMALL_DOMAINS if k in fields]
    combined = list(base.values(*together).annotate(batches=Count("pk"), persons=Sum("headcount")).order_by())
    out: dict[str, list[dict[str, Any]]] = {}
    for key, field_name in fields.items():
        groups: dict[str, dict[str, Any]] = {}
        rows: Any
        if field_name in together:
            rows = combined
        elif key == "unit" and cohort is not None:
            rows = [
                {field_name: r["unit"], "batches": r["v__received"], "persons": r["v__persons"]}
                for r in cohort
                if r["received0"]
            ]
        else:
            rows = base.values(field_name).annotate(batches=Count("pk"), persons=Sum("headcount")).order_by()
        unit_names: dict[int, tuple[str, str]] = {}
        area_paths: dict[int, str] = {}
        if key == "unit":
            ids = [r[field_name] for r in rows if r[field_name]]
            unit_names = {
                u["pk"]: (u["code"], u["name"]) for u in Unit.objects.filter(pk__in=ids).values("pk", "code", "name")
            }
        elif key == "area":
            ids = [r[field_name] for r in rows]
            area_paths = dict(Area.objects.filter(pk__in=ids).values_list("pk", "path"))
        for r in rows:
            value = r[field_name]
            if key == "channel":
                code, name = value, _label(Channel, value)
            elif key == "purpose":
                code, name = value, _label(Purpose, value)
            elif key == "category":
                cat = category_copy(value) if value else None
                top = cat.parent if cat is not None and cat.parent_id and cat.parent else cat
                code, name = (top.code, top.name) if top else ("", "未分类")
            elif key == "area":
                code, name = _area_child(area_paths.get(value, ""), scope.area)
            else:
                code, name = unit_names.get(value, ("", "未分办"))
            g = groups.setdefault(code, {"code": code, "name": name, "batches": 0, "persons": 0})
            g["batches"] += r["batches"]
            g["persons"] += int(r["persons"] or 0)
        out[key] = sorted(groups.values(), key=lambda g: (-g["batches"], g["code"]))
    return out


def _area_child(path: str, scope_area: Area | None) -> tuple[str, str]:
    """The area one level below the scope's area on a case's area path (the area itself if none)."""

    parts = [p for p in (path or "").strip("/").split("/") if p]
    depth = len([p for p in scope_area.path.strip("/").split("/") if p]) if scope_area else 0
    code = parts[min(depth, len(parts) - 1)] if parts else ""
    area = area_by_code(code) if code else None
    return code, area.name if area else (code or "未知")


TREND_KEYS = ("received", "persons", "repeat", "group_visits", "skip_level")  # of each month, the volumes' own keys


def trend(
    scope: figures.Scope,
    period: Period,
    *,
    today: dt.date | None = None,
    config: StatsConfig | None = None,
    counted: dict[Period, dict[str, int]] | None = None,
) -> list[dict[str, Any]]:
    """Month by month up to the period's last month: 批次, 人次, repeat, group and skip-level counts. One query.

    `counted`: volumes (`headlines`) of periods already counted for the same scope. A calendar month among
    them at the end of the window is taken from there and not read again (the page's month and the month
    before: the query then reads ten months, not twelve). The volumes count the same received cases with
    the same conditions (definitions.VOLUMES: received, persons, repeat, group_visits, skip_level)."""
    ctx = figures.ctx_for(period, today, config)
    months = ctx.config.trend_months
    last = month(period.end.year, period.end.month)
    starts = [add_months(last.start, i - (months - 1)) for i in range(months)]
    known = {p.start: v for p, v in (counted or {}).items() if p.is_calendar_month}
    read = months
    while read and starts[read - 1] in known:
        read -= 1
    by_month: dict[dt.date, dict[str, Any]] = {}
    if read:
        span = Period(starts[0], add_months(starts[read - 1], 1) - dt.timedelta(days=1), "custom")
        rows = (
            Petition.objects.filter(scope.q() & d.received(d.Ctx(span, ctx.today, ctx.config)))
            .annotate(m=TruncMonth("received_at", tzinfo=SHANGHAI))
            .values("m")
            .annotate(
                received=Count("pk"),
                persons=Sum("headcount"),
                repeat=Count("pk", filter=Q(is_repeat=True)),
                group_visits=Count("pk", filter=Q(is_group=True)),
                skip_level=Count("pk", filter=Q(is_skip_level=True)),
            )
            .order_by("m")
        )
        for r in rows:
            m = r["m"]
            day = m.astimezone(SHANGHAI).date() if isinstance(m, dt.datetime) else m
            by_month[day.replace(day=1)] = dict(r)
    out = []
    for n, start in enumerate(starts):
        row = by_month.get(start, {}) if n < read else known[start]
        out.append(
            {
                "month": f"{start.year:04d}-{start.month:02d}",
                **{k: int(row.get(k) or 0) for k in TREND_KEYS},
            }
        )
    return out
