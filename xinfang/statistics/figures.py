"""The figures of a scope and a period: a handful of aggregate queries (conditional counts in the
database, grouped where a table needs rows), never a loop over cases. Returns plain JSON-able dicts:
the page, the API, the command, the exports and the frozen snapshots all use this one result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from xinfang.accounts.models import Area, Unit
from xinfang.core.timeutil import SHANGHAI, local_date
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Channel, Petition, Purpose
from xinfang.petitions.reference import category_copy

from . import definitions as d
from .config import StatsConfig, stats_config
from .periods import Period, _add_months, month

VERSION = 1  # of these definitions: stored with each snapshot


@dataclass(frozen=True)
class Scope:
    """Which cases: an access condition (None: everything, for the command and snapshots) and the
    subtree filters the user chose."""

    access: Q | None = None
    area: Area | None = None
    unit: Unit | None = None  # 承办单位 subtree
    label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def q(self) -> Q:
        q = Q() if self.access is None else self.access
        if self.area is not None:
            q &= Q(area_path__startswith=self.area.path)
        if self.unit is not None:
            q &= Q(current_path__startswith=self.unit.path)
        return q


def rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _ctx(period: Period, today: dt.date | None, config: StatsConfig | None) -> d.Ctx:
    return d.Ctx(period=period, today=today or local_date(), config=config or stats_config())


def _deadline_aggregates(scope_q: Q, ctx: d.Ctx, inds: list[d.Indicator]) -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    cohorts = Q()
    first = True
    for ind in inds:
        cohort = ind.cohort(ctx.config)(ctx)
        cohorts = cohort if first else cohorts | cohort
        first = False
        for b in ind.buckets:
            aggs[f"{ind.key}__{b.key}"] = Count("petition_id", distinct=True, filter=cohort & b.q(ctx))
    if not aggs:
        return {}
    return Deadline.objects.filter(d.prefixed(scope_q, "petition__")).filter(cohorts).aggregate(**aggs)


def _petition_aggregates(scope_q: Q, ctx: d.Ctx, inds: list[d.Indicator], cohort: d.QFn) -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    for ind in inds:
        for b in ind.buckets:
            aggs[f"{ind.key}__{b.key}"] = Count("pk", filter=ind.cohort(ctx.config)(ctx) & b.q(ctx))
    return Petition.objects.filter(scope_q & cohort(ctx)).aggregate(**aggs) if aggs else {}


def _volume_aggregates(scope_q: Q, ctx: d.Ctx) -> dict[str, int]:
    aggs: dict[str, Any] = {}
    for v in d.VOLUMES:
        aggs[v.key] = Count("pk", filter=v.q(ctx))
        if v.persons_key:
            aggs[v.persons_key] = Sum("headcount", filter=v.q(ctx))
    row = Petition.objects.filter(scope_q & d.received(ctx)).aggregate(**aggs)
    return {k: int(v or 0) for k, v in row.items()}


def _indicator_block(ind: d.Indicator, counts: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    buckets = {b.key: int(counts.get(f"{prefix}{ind.key}__{b.key}") or 0) for b in ind.buckets}
    num = sum(buckets[k] for k in ind.numerator)
    den = sum(buckets[k] for k in ind.denominator)
    return {"rate": rate(num, den), "numerator": num, "denominator": den, "buckets": buckets}


def headline(
    scope: Scope, period: Period, *, today: dt.date | None = None, config: StatsConfig | None = None
) -> dict[str, Any]:
    """The volumes and every rate (with numerator, denominator and buckets) of the whole scope: 3 queries."""
    ctx = _ctx(period, today, config)
    scope_q = scope.q()
    inds = d.indicators(ctx.config)
    dl = [i for i in inds if i.source == "deadline"]
    counts: dict[str, Any] = {}
    counts.update(_deadline_aggregates(scope_q, ctx, dl))
    for base, cohort in d.COHORTS.items():
        counts.update(_petition_aggregates(scope_q, ctx, [i for i in inds if i.source == base], cohort))
    volumes = _volume_aggregates(scope_q, ctx)
    return {
        "volumes": volumes,
        "indicators": {i.key: _indicator_block(i, counts) for i in inds},
    }


def _grouped(qs: QuerySet[Any], by: str, aggs: dict[str, Any]) -> dict[Any, dict[str, Any]]:
    return {row.pop(by): row for row in qs.values(by).annotate(**aggs).order_by()}


def by_unit(
    scope: Scope, period: Period, *, today: dt.date | None = None, config: StatsConfig | None = None
) -> list[dict[str, Any]]:
    """Each unit's figures: the 承办单位's rates grouped by the case's current unit, the 信访部门's
    acceptance by its registering office. A handful of grouped queries, whatever the number of units."""
    ctx = _ctx(period, today, config)
    scope_q = scope.q()
    inds = d.indicators(ctx.config)
    rows: dict[int, dict[str, Any]] = {}

    def put(unit_id: int | None, values: dict[str, Any]) -> None:
        if unit_id is not None:
            rows.setdefault(unit_id, {}).update(values)

    for field_name in ("current_unit", "office_unit"):
        dl = [i for i in inds if i.source == "deadline" and i.unit_field == field_name]
        if dl:
            aggs: dict[str, Any] = {}
            cohorts = Q()
            for n, ind in enumerate(dl):
                cohort = ind.cohort(ctx.config)(ctx)
                cohorts = cohort if n == 0 else cohorts | cohort
                for b in ind.buckets:
                    aggs[f"{ind.key}__{b.key}"] = Count("petition_id", distinct=True, filter=cohort & b.q(ctx))
            qs = Deadline.objects.filter(d.prefixed(scope_q, "petition__")).filter(cohorts)
            for unit_id, values in _grouped(qs, f"petition__{field_name}_id", aggs).items():
                put(unit_id, values)
    for base, cohort_fn in d.COHORTS.items():
        group = [i for i in inds if i.source == base]
        aggs = {
            f"{i.key}__{b.key}": Count("pk", filter=i.cohort(ctx.config)(ctx) & b.q(ctx))
            for i in group
            for b in i.buckets
        }
        if base == "received":
            aggs["received"] = Count("pk")
        cases = Petition.objects.filter(scope_q & cohort_fn(ctx))
        for unit_id, values in _grouped(cases, "current_unit_id", aggs).items():
            put(unit_id, values)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=list(rows)).only("pk", "code", "name", "path", "kind")}
    out = []
    for unit_id, counts in rows.items():
        unit = units.get(unit_id)
        if unit is None:
            continue
        entry: dict[str, Any] = {"unit": unit.code, "name": unit.name, "unit_id": unit.pk, "kind": unit.kind}
        entry["received"] = int(counts.get("received") or 0)
        entry["indicators"] = {i.key: _indicator_block(i, counts) for i in inds}
        for i in inds:
            entry[i.key] = entry["indicators"][i.key]["rate"]
        out.append(entry)
    out.sort(key=lambda e: units[e["unit_id"]].path)
    return out


def ranking(units: list[dict[str, Any]], indicator: str, *, min_sample: int) -> list[dict[str, Any]]:
    """Units ranked on one indicator, best first; ties share a rank (1, 2, 2, 4). A unit whose
    denominator is under the minimum sample is listed after the ranked ones, unranked (样本不足)."""
    ranked = [u for u in units if u["indicators"][indicator]["denominator"] >= min_sample]
    small = [u for u in units if 0 < u["indicators"][indicator]["denominator"] < min_sample]
    ranked.sort(
        key=lambda u: (
            -(u["indicators"][indicator]["rate"] or 0),
            -u["indicators"][indicator]["denominator"],
            u["unit"],
        )
    )
    out = []
    prev: float | None = None
    rank = 0
    for n, u in enumerate(ranked, start=1):
        value = u["indicators"][indicator]["rate"]
        if value != prev:
            rank, prev = n, value
        out.append({**u, "rank": rank, "sample_ok": True})
    out += [{**u, "rank": None, "sample_ok": False} for u in sorted(small, key=lambda u: u["unit"])]
    return out


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "未填写"


def breakdowns(
    scope: Scope, period: Period, *, today: dt.date | None = None, config: StatsConfig | None = None
) -> dict[str, list[dict[str, Any]]]:
    """批次 and 人次 of the received cases by channel, category (first level), area (one level below the
    scope's area), unit and purpose: one grouped query each, rolled up over the few groups in Python."""
    ctx = _ctx(period, today, config)
    base = Petition.objects.filter(scope.q() & d.received(ctx))
    out: dict[str, list[dict[str, Any]]] = {}
    for key, _label_text, field_name in d.BREAKDOWNS:
        groups: dict[str, dict[str, Any]] = {}
        rows = base.values(field_name).annotate(batches=Count("pk"), persons=Sum("headcount")).order_by()
        unit_names: dict[int, tuple[str, str]] = {}
        if key == "unit":
            ids = [r[field_name] for r in rows if r[field_name]]
            unit_names = {
                u["pk"]: (u["code"], u["name"]) for u in Unit.objects.filter(pk__in=ids).values("pk", "code", "name")
            }
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
                code, name = _area_child(value, scope.area)
            else:
                code, name = unit_names.get(value, ("", "未分办"))
            g = groups.setdefault(code, {"code": code, "name": name, "batches": 0, "persons": 0})
            g["batches"] += r["batches"]
            g["persons"] += int(r["persons"] or 0)
        out[key] = sorted(groups.values(), key=lambda g: (-g["batches"], g["code"]))
    return out


def _area_child(path: str, scope_area: Area | None) -> tuple[str, str]:
    """The area one level below the scope's area on a case's area path (the area itself if none)."""
    from xinfang.accounts.reference import area_by_code

    parts = [p for p in (path or "").strip("/").split("/") if p]
    depth = len([p for p in scope_area.path.strip("/").split("/") if p]) if scope_area else 0
    code = parts[min(depth, len(parts) - 1)] if parts else ""
    area = area_by_code(code) if code else None
    return code, area.name if area else (code or "未知")


def trend(
    scope: Scope, period: Period, *, today: dt.date | None = None, config: StatsConfig | None = None
) -> list[dict[str, Any]]:
    """Month by month up to the period's last month: 批次, 人次, repeat, group and skip-level counts. One query."""
    ctx = _ctx(period, today, config)
    months = ctx.config.trend_months
    last = month(period.end.year, period.end.month)
    first = month(*(lambda x: (x.year, x.month))(_add_months(last.start, -(months - 1))))
    span = Period(first.start, last.end, "custom")
    span_ctx = d.Ctx(span, ctx.today, ctx.config)
    rows = (
        Petition.objects.filter(scope.q() & d.received(span_ctx))
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
    by_month: dict[str, dict[str, Any]] = {}
    for r in rows:
        m = r["m"]
        key = (m.astimezone(SHANGHAI) if isinstance(m, dt.datetime) else m).strftime("%Y-%m")
        by_month[key] = dict(r)
    out = []
    for i in range(months):
        start = _add_months(first.start, i)
        key = f"{start.year:04d}-{start.month:02d}"
        row = by_month.get(key, {})
        out.append(
            {
                "month": key,
                "received": int(row.get("received") or 0),
                "persons": int(row.get("persons") or 0),
                "repeat": int(row.get("repeat") or 0),
                "group_visits": int(row.get("group_visits") or 0),
                "skip_level": int(row.get("skip_level") or 0),
            }
        )
    return out


def summary(
    scope: Scope, period: Period, *, today: dt.date | None = None, config: StatsConfig | None = None, units: bool = True
) -> dict[str, Any]:
    """The flat object of `manage.py stats` and the API: volumes, rates (fractions 0–1, None when the
    denominator is 0) and by_unit."""
    h = headline(scope, period, today=today, config=config)
    out: dict[str, Any] = {
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "kind": period.kind,
            "label": period.label,
        },
        **h["volumes"],
    }
    for key, block in h["indicators"].items():
        out[key] = block["rate"]
    out["indicators"] = h["indicators"]
    if units:
        # In a unit's row "timely_acceptance_rate" is that unit's own: the 责任单位's 受理告知 figure; a
        # 信访部门's 转送交办 figure is "office_timely_acceptance_rate".
        out["by_unit"] = [
            {
                **{k: v for k, v in u.items() if k not in ("unit_id", "kind")},
                "timely_acceptance_rate": u.get("unit_timely_acceptance_rate"),
                "office_timely_acceptance_rate": u.get("timely_acceptance_rate"),
            }
            for u in by_unit(scope, period, today=today, config=config)
        ]
    return out
