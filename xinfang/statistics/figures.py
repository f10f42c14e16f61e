"""The figures of a scope and a period: a handful of aggregate queries (conditional counts in the
database, grouped where a table needs rows), never a loop over cases. Returns plain JSON-able dicts:
the page, the API, the command, the exports and the frozen snapshots all use this one result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, Q, Sum, When

from xinfang.accounts.models import Area, Unit
from xinfang.accounts.reference import area_subtree_ids
from xinfang.core.timeutil import local_date
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Petition

from . import definitions as d
from .config import StatsConfig, stats_config
from .periods import Period

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
            # By the subtree's ids where there are not too many: PostgreSQL then reads each area's rows of
            # the period from pet_area_stats (area, received_at) instead of the subtree's rows of every
            # period (a city's month at 1M cases: 52 → 19 ms a breakdown).
            ids = area_subtree_ids(self.area)
            q &= Q(area_path__startswith=self.area.path) if ids is None else Q(area_id__in=ids)
        if self.unit is not None:
            q &= Q(current_path__startswith=self.unit.path)
        return q


def rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def ctx_for(period: Period, today: dt.date | None, config: StatsConfig | None) -> d.Ctx:
    return d.Ctx(period=period, today=today or local_date(), config=config or stats_config())


def _indicator_block(ind: d.Indicator, counts: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    buckets = {b.key: int(counts.get(f"{prefix}{ind.key}__{b.key}") or 0) for b in ind.buckets}
    num = sum(buckets[k] for k in ind.numerator)
    den = sum(buckets[k] for k in ind.denominator)
    return {"rate": rate(num, den), "numerator": num, "denominator": den, "buckets": buckets}


# What the page's headline and its unit table both read, read once: the deadline rows of a period grouped by
# the unit each indicator is judged on (`deadline_counts`; key ("deadline", first day, last day, by unit))
# and the cases of the periods' cohorts grouped by 承办单位 (`_cohort_rows`; key ("cohort", ((first, last), …))).
Memo = dict[tuple[Any, ...], list[dict[str, Any]]]


def deadline_counts(
    scope: Scope, ctx: d.Ctx, *, memo: Memo | None = None, by_unit: bool = True
) -> list[dict[str, Any]]:
    """The deadline indicators' bucket counts of the limits due in the period.

    `by_unit`: grouped by the unit each indicator is judged on (its `unit_field`: the case's 承办单位, or its
    登记部门 for the 信访部门's acceptance), one query per such field holding that field's indicators and
    limit codes only. Rows: {"unit_field": "current_unit", "unit_id": 7, <its indicators' counts>}. A case
    has one unit of each kind, so the counts of distinct cases add up over a field's rows: their sum is the
    scope's figure, and each unit's is its row. Otherwise one query over every deadline indicator and one
    row, the scope's counts (a comparison period: nothing grouped).

    A scope by area (with the accusation rule) is counted from the rows' copies of the case's facts
    (petitions.deadlines.facts): PostgreSQL reads each area's limits of the period from `deadline_area_due`,
    nothing joined. Any other scope joins the case: the period's limits from `deadline_due_code` and the
    scope's cases, hash-joined. One due-date range per query: an OR of ranges makes the join probe the
    deadline table once per case of the scope."""
    key: tuple[Any, ...] = ("deadline", ctx.period.start, ctx.period.end)
    for k in ((*key, by_unit), (*key, True)):  # the units' rows answer for the total too
        if memo is not None and k in memo:
            return memo[k]
    dl = [i for i in d.indicators(ctx.config) if i.source == "deadline"]
    rows: list[dict[str, Any]] = []
    if not dl:
        return rows
    local = d.on_deadline_rows(scope.q())
    if local is not None:  # from the rows' copies of the case's facts: deadline_area_due alone
        base, prefix = Deadline.objects.filter(local), ""
    else:  # a scope that needs the case (a unit's, a path prefix): joined
        base, prefix = Deadline.objects.filter(d.prefixed(scope.q(), "petition__")), "petition__"
    fields = list(dict.fromkeys(i.unit_field for i in dl)) if by_unit else [None]
    for field_name in fields:
        inds = [i for i in dl if field_name in (None, i.unit_field)]
        # Each count is of distinct cases. Grouped by unit, an indicator of one code counts as rows the limits
        # that are their case's only one of the code (not `shares_code`) and takes DISTINCT over the others
        # alone, in a second query that reads deadline_shared_area / _due. With no DISTINCT left in the
        # first, PostgreSQL hashes the groups instead of sorting the period's limits by unit: a
        # city's year at 1M cases, 165 → 115 ms of SQL for both fields, the ranking page 280 → 256 ms. Not
        # grouped (a comparison period) there is no such sort, and compiling a second query costs more than
        # it saves. An indicator of several codes (configuration) counts DISTINCT over all its limits.
        aggs: dict[str, Any] = {}
        shared: dict[str, Any] = {}
        for ind in inds:
            within = ind.within(ctx.config)(ctx)
            single = field_name is not None and len(ind.codes(ctx.config)) == 1
            for b in ind.buckets:
                name, cond = f"{ind.key}__{b.key}", within & b.q(ctx)
                if single:
                    aggs[name] = Count("petition_id", filter=cond & Q(shares_code=False))
                    shared[name] = Count("petition_id", distinct=True, filter=cond)
                else:
                    aggs[name] = Count("petition_id", distinct=True, filter=cond or None)
        # The counted codes as the query's condition, which PostgreSQL reads as a key of deadline_area_due:
        # only those codes' entries are scanned. Each count's FILTER holds its indicator's `within`.
        codes = sorted({c for i in inds for c in i.codes(ctx.config)})
        qs = base.filter(d.due_in(ctx) & Q(code__in=codes))
        if field_name is None:
            rows.append(qs.aggregate(**aggs))
            continue
        column = f"{prefix}{field_name}_id"
        grouped = cast("list[dict[str, Any]]", list(qs.values(column).annotate(**aggs).order_by()))
        by_id = {r.pop(column): r for r in grouped}
        if shared:
            extra = cast(
                "list[dict[str, Any]]", list(qs.filter(shares_code=True).values(column).annotate(**shared).order_by())
            )
            for r in extra:
                into = by_id.setdefault(r.pop(column), dict.fromkeys(aggs, 0))
                for name, n in r.items():
                    into[name] += n
        for unit_id, r in by_id.items():
            r["unit_id"], r["unit_field"] = unit_id, field_name
            rows.append(r)
    if memo is not None:
        memo[(*key, by_unit)] = rows
    return rows


def headline(
    scope: Scope, period: Period, *, today: dt.date | None = None, config: StatsConfig | None = None
) -> dict[str, Any]:
    """The volumes and every rate (with numerator, denominator and buckets) of the whole scope: 3 queries."""
    return headlines(scope, [period], today=today, config=config)[0]


def headlines(
    scope: Scope,
    periods: list[Period],
    *,
    today: dt.date | None = None,
    config: StatsConfig | None = None,
    memo: Memo | None = None,
) -> list[dict[str, Any]]:
    """The headline of each period (the page's, the one before, the same one last year): the cases in
    two queries per stretch of touching periods (`_cohort_rows`), grouped by whether a case is in each
    period's set (received in it, answered in it), and the deadline rows of each period (`deadline_counts`, shared with
    `by_unit` through `memo`). Each figure is a conditional count (FILTER) of the definition's `within`
    and bucket."""
    ctxs = [ctx_for(p, today, config) for p in periods]
    inds = d.indicators(ctxs[0].config)
    counts: list[dict[str, int]] = [{} for _ in ctxs]

    def add(n: int, row: dict[str, Any], keys: list[str]) -> None:
        into = counts[n]
        for k in keys:
            into[k] = into.get(k, 0) + (row.get(k) or 0)  # a unit field's rows hold its indicators only

    dl = [i for i in inds if i.source == "deadline"]
    if dl:
        dl_keys = [f"{i.key}__{b.key}" for i in dl for b in i.buckets]
        for n, ctx in enumerate(ctxs):
            # The unit table reads the first period's rows by unit (by_unit, through `memo`); the others' totals do.
            for r in deadline_counts(scope, ctx, memo=memo, by_unit=n == 0):
                add(n, r, dl_keys)
    keys_of = _cohort_keys(inds)
    cohorts = [(n, f"{base}{n}", keys) for n in range(len(ctxs)) for base, keys in keys_of.items()]
    for r in _cohort_rows(scope, ctxs, memo=memo):
        for n, flag, keys in cohorts:
            if r[flag]:
                add(n, r, keys)
    out = []
    for n in range(len(ctxs)):
        c = counts[n]
        volumes: dict[str, int] = {}
        for v in d.VOLUMES:
            volumes[v.key] = c.get(f"v__{v.key}", 0)
            if v.persons_key:
                volumes[v.persons_key] = c.get(f"v__{v.persons_key}", 0)
        out.append({"volumes": volumes, "indicators": {i.key: _indicator_block(i, c) for i in inds}})
    return out


def _cohort_keys(inds: list[d.Indicator]) -> dict[str, list[str]]:
    """The counts of each cohort (received, answered): its indicators' buckets, and the volumes."""
    keys_of: dict[str, list[str]] = {base: [] for base in d.COHORTS}
    for ind in inds:
        if ind.source in d.COHORTS:
            keys_of[ind.source] += [f"{ind.key}__{b.key}" for b in ind.buckets]
    for v in d.VOLUMES:
        keys_of["received"].append(f"v__{v.key}")
        if v.persons_key:
            keys_of["received"].append(f"v__{v.persons_key}")
    return keys_of


def _cohort_rows(
    scope: Scope, ctxs: list[d.Ctx], *, memo: Memo | None = None, volumes: bool = True
) -> list[dict[str, Any]]:
    """The scope's cases received or answered in any of the periods, grouped by 承办单位 (`unit`: for a
    case in the first period's cohorts; None for the rest) and by whether the case is in each period's
    cohorts (flags received0, answered0, received1, …): the figures of a cohort add up over its groups, the
    headline's over every unit, a unit's over its own. Each count is a conditional count (FILTER) of the
    definition's `within` and bucket. The unit table reads the first period's rows that the headline read
    (`memo`).

    One query per stretch of time (periods that touch are one stretch): first the cases received in it,
    then those answered in it that were received in none of the periods (a case is in one query's rows
    only). Each reads one range of an index, pet_area_stats (area, received_at) and pet_area_replied
    (area, replied_at), not the scope's cases of every year: "answered in the period" is not bounded by
    the date of receipt.

    `volumes=False`: of the volumes only 批次 (`v__received`), what the unit table shows (a year of a city's
    cases: twelve counts fewer per row)."""
    key = ("cohort", tuple((c.period.start, c.period.end) for c in ctxs), volumes)
    found = cohort_read(memo, key[1], volumes=volumes)
    if found is not None:
        return found
    ctx0 = ctxs[0]  # `within` and the buckets depend on the day and the configuration only
    aggs: dict[str, Any] = {}
    for ind in d.indicators(ctx0.config):
        if ind.source in d.COHORTS:
            within = ind.within(ctx0.config)(ctx0)
            for b in ind.buckets:
                aggs[f"{ind.key}__{b.key}"] = Count("pk", filter=(within & b.q(ctx0)) or None)
    for v in d.VOLUMES if volumes else [d.VOLUME_BY_KEY["received"]]:
        aggs[f"v__{v.key}"] = Count("pk", filter=v.q(ctx0) or None)
        if v.persons_key and volumes:
            aggs[f"v__{v.persons_key}"] = Sum("headcount", filter=v.q(ctx0) or None)
    flags = {f"{base}{n}": _flag(fn(ctx)) for n, ctx in enumerate(ctxs) for base, fn in d.COHORTS.items()}
    # By unit only where the unit table reads it (the first period's cohorts): the other periods' cases
    # fall in a few groups whatever the number of units (a city's page: half the rows to add up).
    unit = Case(When(_any(*(fn(ctx0) for fn in d.COHORTS.values())), then=F("current_unit_id")), default=None)
    received_any = _any(*(d.received(ctx) for ctx in ctxs))
    stretches = _stretches([ctx.period.bounds() for ctx in ctxs])
    wheres = [Q(received_at__gte=start, received_at__lt=end) for start, end in stretches]
    wheres += [Q(replied_at__gte=start, replied_at__lt=end) & ~received_any for start, end in stretches]
    # The grouping and the counts built once (resolving ~40 conditional counts is most of a query's
    # compiling); each stretch's queryset adds its WHERE to a copy.
    grouped = Petition.objects.annotate(**flags, unit=unit).values("unit", *flags).annotate(**aggs).order_by()
    rows: list[dict[str, Any]] = []
    for where in wheres:
        rows += cast("list[dict[str, Any]]", list(grouped.filter(scope.q() & where)))
    if memo is not None:
        memo[key] = rows
    return rows


def cohort_read(
    memo: Memo | None, periods: tuple[tuple[dt.date, dt.date], ...], *, volumes: bool = True
) -> list[dict[str, Any]] | None:
    """The cohort rows already read for these periods: a query whose first periods are these answers for them
    (one that counted every volume, where `volumes` are asked for)."""
    for k, found in (memo or {}).items():
        if k[0] == "cohort" and k[1][: len(periods)] == periods and (k[2] or not volumes):
            return found
    return None


def _stretches(bounds: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The periods' [start, end) bounds merged where they touch or overlap, in order."""
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(bounds):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _flag(q: Q) -> ExpressionWrapper[Q]:
    return ExpressionWrapper(q, output_field=BooleanField())


def _any(*qs: Q) -> Q:
    out = Q()
    for q in qs:
        out |= q
    return out


def by_unit(
    scope: Scope,
    period: Period,
    *,
    today: dt.date | None = None,
    config: StatsConfig | None = None,
    memo: Memo | None = None,
) -> list[dict[str, Any]]:
    """Each unit's figures: the 承办单位's rates grouped by the case's current unit, the 信访部门's
    acceptance by its registering office. Three queries (deadlines, cases, unit names), whatever the
    number of units."""
    ctx = ctx_for(period, today, config)
    inds = d.indicators(ctx.config)
    rows: dict[int, dict[str, Any]] = {}

    def add(unit_id: int | None, values: dict[str, Any]) -> None:
        # A unit is listed where it has a case in a cohort: every case falls in one of its buckets.
        if unit_id is not None and any(values.values()):
            row = rows.setdefault(unit_id, {})
            for k, v in values.items():
                row[k] = row.get(k, 0) + int(v or 0)

    # The deadline rows, grouped by the unit each indicator is judged on.
    dl = [i for i in inds if i.source == "deadline"]
    keys_by_field: dict[str, list[str]] = {}
    for i in dl:
        keys_by_field.setdefault(i.unit_field, []).extend(f"{i.key}__{b.key}" for b in i.buckets)
    for r in deadline_counts(scope, ctx, memo=memo):
        add(r["unit_id"], {k: r[k] for k in keys_by_field[r["unit_field"]]})
    # The cases answered or received in the period, grouped by 承办单位 (the headline's query, if it ran).
    keys_of = {base: [k for k in keys if not k.startswith("v__")] for base, keys in _cohort_keys(inds).items()}
    for r in _cohort_rows(scope, [ctx], memo=memo, volumes=False):
        for base, keys in keys_of.items():
            if r[f"{base}0"]:
                add(r["unit"], {k: r[k] for k in keys})
        if r["received0"]:
            add(r["unit"], {"received": r["v__received"]})
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


def summary(
    scope: Scope, period: Period, *, today: dt.date | None = None, config: StatsConfig | None = None, units: bool = True
) -> dict[str, Any]:
    """The flat object of `manage.py stats` and the API: volumes, rates (fractions 0–1, None when the
    denominator is 0) and by_unit."""
    memo: Memo = {}  # the deadline rows, read once for the headline and by_unit
    h = headlines(scope, [period], today=today, config=config, memo=memo)[0]
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
            for u in by_unit(scope, period, today=today, config=config, memo=memo)
        ]
    return out
