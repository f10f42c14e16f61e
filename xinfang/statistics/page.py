"""What the 统计分析 page, its drill-down, the export and the API read from a request's parameters:
the scope (with the user's access), the period, and the figures. No rules here beyond parsing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from xinfang.accounts.models import Area, Unit
from xinfang.accounts.reference import area_by_code
from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import local_date
from xinfang.petitions.models import Petition

from . import definitions as d
from . import figures, periods, services, volumes
from .config import stats_config

PARAMS = ("period", "value", "from", "to", "area", "unit", "rank", "live")


@dataclass
class Request:
    period: periods.Period
    scope: figures.Scope
    area: Area | None
    unit: Unit | None
    rank: str
    live: bool
    today: dt.date
    query: dict[str, str]


def parse(user: Any, params: Any, *, today: dt.date | None = None) -> Request:
    """Parse and check every parameter; bad input raises ValidationFailed with a Chinese message."""
    today = today or local_date()
    q = {k: str(params.get(k, "") or "").strip()[:40] for k in PARAMS}
    period = periods.from_params(kind=q["period"], value=q["value"], date_from=q["from"], date_to=q["to"], today=today)
    if not 1990 <= period.start.year <= 2100:
        raise ValidationFailed("统计期间超出范围", field="value")
    area = None
    if q["area"]:
        area = area_by_code(q["area"])
        if area is None:
            raise ValidationFailed(f"区划代码“{q['area']}”不存在", field="area")
    unit = None
    if q["unit"]:
        unit = Unit.objects.filter(code=q["unit"]).first()
        if unit is None:
            raise ValidationFailed(f"单位编码“{q['unit']}”不存在", field="unit")
    rank = q["rank"] or "on_time_reply_rate"
    if rank not in d.BY_KEY:
        raise ValidationFailed("排名指标无效", field="rank")
    scope = services.scope_for_user(user, area=area, unit=unit)
    return Request(period, scope, area, unit, rank, q["live"] == "1", today, {k: v for k, v in q.items() if v})


def full(req: Request) -> dict[str, Any]:
    """Everything the page shows: the headline with both comparisons, breakdowns, trend, ranking."""
    p = req.period
    cfg = stats_config()
    kw: dict[str, Any] = {"today": req.today, "config": cfg}
    memo: figures.Memo = {}  # the period's deadline rows and cases, read once for the headline and the unit table
    now, previous, last_year = figures.headlines(req.scope, [p, p.previous(), p.last_year()], **kw, memo=memo)
    units = figures.by_unit(req.scope, p, **kw, memo=memo)
    return {
        "headline": now,
        "previous": previous,
        "last_year": last_year,
        "breakdowns": volumes.breakdowns(req.scope, p, **kw, memo=memo),
        # The month and the month before are counted already: the trend takes them from the headlines.
        "trend": volumes.trend(req.scope, p, **kw, counted={p: now["volumes"], p.previous(): previous["volumes"]}),
        **_ranked(req, units),
    }


def ranking(req: Request) -> dict[str, Any]:
    """The unit table alone (the full ranking page): the units' figures, ranked."""
    return _ranked(req, figures.by_unit(req.scope, req.period, today=req.today, config=stats_config()))


def _ranked(req: Request, units: list[dict[str, Any]]) -> dict[str, Any]:
    min_sample = stats_config().ranking_min_sample
    return {
        "by_unit": units,
        "ranking": figures.ranking(units, req.rank, min_sample=min_sample),
        "min_sample": min_sample,
    }


def drill_cases(req: Request, params: Any) -> tuple[QuerySet[Petition], str]:
    """The cases behind one figure: ?indicator=KEY&bucket=KEY or ?volume=KEY, optionally &unit_id=N
    (that unit's row of the ranking). The very condition the figure was counted with."""
    ctx = d.Ctx(req.period, req.today, stats_config())
    indicator, bucket, volume = (str(params.get(k, "") or "")[:40] for k in ("indicator", "bucket", "volume"))
    if indicator:
        ind = d.BY_KEY.get(indicator)
        if ind is None or bucket not in {b.key for b in ind.buckets}:
            raise ValidationFailed("指标或栏目无效", field="indicator")
        cond = d.indicator_cases_q(ind, bucket, ctx)
        title = f"{ind.label} · {ind.bucket(bucket).label}"
        unit_field = ind.unit_field
    elif volume:
        vol = d.VOLUME_BY_KEY.get(volume)
        if vol is None:
            raise ValidationFailed("统计项目无效", field="volume")
        cond, title, unit_field = d.volume_cases_q(vol, ctx), vol.label, "current_unit"
    else:
        raise ValidationFailed("请指定要查看的统计项目", field="indicator")
    qs = Petition.objects.filter(req.scope.q()).filter(cond)
    unit_id = str(params.get("unit_id", "") or "")
    if unit_id:
        if not unit_id.isdigit():
            raise ValidationFailed("单位无效", field="unit_id")
        qs = qs.filter(**{f"{unit_field}_id": int(unit_id)})
    return qs.order_by("-received_at", "-id"), title
