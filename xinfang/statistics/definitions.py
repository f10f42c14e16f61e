"""Every figure defined once: the set of cases (or deadline rows) behind each count, as a Q, and each
rate as numerator and denominator buckets with the formula shown on screen as its tooltip.

The same Q counts a figure (`figures.py`, in the database) and lists its cases (`cases_for`, the
drill-down): what is counted is exactly what is listed. docs/statistics.md says the same in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Exists, OuterRef, Q

from xinfang.petitions.deadlines.facts import FACTS
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import SkipLevelTo

from .config import StatsConfig
from .periods import Period


@dataclass(frozen=True)
class Ctx:
    period: Period
    today: dt.date
    config: StatsConfig


QFn = Callable[[Ctx], Q]


# ---------------------------------------------------------------- cohorts (the sets counts start from)


def received(ctx: Ctx) -> Q:
    """Cases received (收到) in the period: every volume figure and the repeat rate."""
    start, end = ctx.period.bounds()
    return Q(received_at__gte=start, received_at__lt=end)


def answered(ctx: Ctx) -> Q:
    """Cases answered (答复) in the period: 应评价, the rating figures."""
    start, end = ctx.period.bounds()
    return Q(replied_at__gte=start, replied_at__lt=end)


def due_in(ctx: Ctx) -> Q:
    """Deadline rows whose due date (after approved extensions) falls in the period."""
    return Q(due_date__gte=ctx.period.start, due_date__lte=ctx.period.end)


def _of_codes(codes: tuple[str, ...]) -> QFn:
    """Deadline rows of these codes (within `due_in`). Which of them count is the buckets' part: done on
    time or late, or still open with the due day passed. A limit due later, or not yet passed, is in no
    bucket and not counted yet; a cancelled limit (case rejected, objection, rated before the limit) never
    is. (The buckets alone decide: repeating "settled" in each count only made PostgreSQL test it twice.)"""

    def q(ctx: Ctx) -> Q:
        return Q(code__in=list(codes))

    return q


def _met(ctx: Ctx) -> Q:
    return Q(status=Deadline.Status.MET)


def _late(ctx: Ctx) -> Q:
    return Q(status=Deadline.Status.LATE)


def _overdue_open(ctx: Ctx) -> Q:
    return Q(status=Deadline.Status.OPEN, due_date__lt=ctx.today)


def _all(ctx: Ctx) -> Q:
    return Q()


def _rated(ctx: Ctx) -> Q:
    return ~Q(rating="")


def _satisfied(ctx: Ctx) -> Q:
    return Q(rating__in=list(ctx.config.satisfied_ratings))


def _rating(value: str) -> QFn:
    return lambda ctx: Q(rating=value)


def _unsatisfied(ctx: Ctx) -> Q:
    return ~Q(rating="") & ~Q(rating__in=list(ctx.config.satisfied_ratings))


def _first_time(ctx: Ctx) -> Q:
    return Q(is_repeat=False)


def _one_time_resolved(ctx: Ctx) -> Q:
    """Rated satisfied and no later petition marked as its repeat (the person did not come back)."""
    return Q(rating__in=list(ctx.config.satisfied_ratings), has_repeat=False)


def _baoan(ctx: Ctx) -> Q:
    return Q(leader__isnull=False)


def _baoan_resolved(ctx: Ctx) -> Q:
    return Q(leader__isnull=False, closed_at__isnull=False, rating__in=list(ctx.config.satisfied_ratings))


# ---------------------------------------------------------------- indicators (rates)


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    q: QFn


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    formula: str  # the tooltip, word for word the definition in docs/statistics.md
    source: str  # "deadline" (rows of Deadline, by due date), "answered" or "received" (cases, by that cohort)
    # The rows counted among those of the source's period set (PERIOD_SETS[source]): the cohort is both.
    # It and the buckets depend on the day and the configuration, never on the period, so that one
    # grouped query can count several periods (figures.headlines).
    within: Callable[[StatsConfig], QFn]
    buckets: tuple[Bucket, ...]
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    unit_field: str  # whose figure it is in a ranking: "current_unit" (承办单位) or "office_unit" (信访部门)
    enabled: Callable[[StatsConfig], bool] = lambda c: True
    # A deadline indicator's limit codes (those its `within` counts), for the query's index key.
    codes: Callable[[StatsConfig], tuple[str, ...]] = lambda c: ()

    def bucket(self, key: str) -> Bucket:
        return next(b for b in self.buckets if b.key == key)

    def cohort(self, config: StatsConfig) -> QFn:
        """The rows behind the indicator in a period: its source's period set and `within`."""
        period_q, within = PERIOD_SETS[self.source], self.within(config)
        return lambda ctx: period_q(ctx) & within(ctx)


_TIMELY = (
    Bucket("met", "及时受理", _met),
    Bucket("late", "超期受理", _late),
    Bucket("overdue", "超期未受理", _overdue_open),
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="timely_acceptance_rate",
        label="信访部门及时受理率",
        formula="及时受理 ÷ (及时受理 + 超期受理 + 超期未受理)。信访部门自登记起在转送交办期限内转送、交办或直接办理的为及时受理；"
        "按期限到期日计入统计期间，期限未到且未办的暂不计入。",
        source="deadline",
        within=lambda c: _of_codes(c.office_acceptance_codes),
        codes=lambda c: c.office_acceptance_codes,
        buckets=_TIMELY,
        numerator=("met",),
        denominator=("met", "late", "overdue"),
        unit_field="office_unit",
    ),
    Indicator(
        key="unit_timely_acceptance_rate",
        label="责任单位及时受理率",
        formula="及时受理 ÷ (及时受理 + 超期受理 + 超期未受理)。责任单位自收到转送交办起在期限内书面告知是否受理的为及时受理；"
        "按期限到期日计入统计期间，期限未到且未办的暂不计入。",
        source="deadline",
        within=lambda c: _of_codes(c.unit_acceptance_codes),
        codes=lambda c: c.unit_acceptance_codes,
        buckets=_TIMELY,
        numerator=("met",),
        denominator=("met", "late", "overdue"),
        unit_field="current_unit",
    ),
    Indicator(
        key="on_time_reply_rate",
        label="按期答复率（按期办结率）",
        formula="按期答复 ÷ (按期答复 + 超期答复 + 未答复已超期)。办理期限（含批准的延期）内出具处理意见的为按期答复；"
        "责成重新办理的另计一次；按期限到期日计入统计期间。",
        source="deadline",
        within=lambda c: _of_codes(c.reply_codes),
        codes=lambda c: c.reply_codes,
        buckets=(
            Bucket("met", "按期答复", _met),
            Bucket("late", "超期答复", _late),
            Bucket("overdue", "未答复已超期", _overdue_open),
        ),
        numerator=("met",),
        denominator=("met", "late", "overdue"),
        unit_field="current_unit",
    ),
    Indicator(
        key="satisfaction_rate",
        label="群众满意率",
        formula="(满意 + 基本满意) ÷ 已评价。统计期间内答复的信访事项中，信访人已评价的件数为分母。",
        source="answered",
        within=lambda c: _all,
        buckets=(
            Bucket("satisfied", "满意", _rating("satisfied")),
            Bucket("basic", "基本满意", _rating("basic")),
            Bucket("unsatisfied", "不满意", _rating("unsatisfied")),
        ),
        numerator=("satisfied", "basic"),
        denominator=("satisfied", "basic", "unsatisfied"),
        unit_field="current_unit",
    ),
    Indicator(
        key="participation_rate",
        label="参评率",
        formula="已评价 ÷ 应评价。应评价：统计期间内答复的信访事项；已评价：其中信访人已作出评价的。",
        source="answered",
        within=lambda c: _all,
        buckets=(Bucket("rated", "已评价", _rated), Bucket("due", "应评价", _all)),
        numerator=("rated",),
        denominator=("due",),
        unit_field="current_unit",
    ),
    Indicator(
        key="repeat_rate",
        label="重复信访率",
        formula="重复件次 ÷ 总件次。统计期间内收到的信访事项中，登记为重复信访（同人同事）的件次。",
        source="received",
        within=lambda c: _all,
        buckets=(
            Bucket("repeat", "重复件次", lambda ctx: Q(is_repeat=True)),
            Bucket("total", "总件次", _all),
        ),
        numerator=("repeat",),
        denominator=("total",),
        unit_field="current_unit",
    ),
    Indicator(
        key="one_time_resolution_rate",
        label="初信初访一次性化解率",
        formula="一次性化解 ÷ 初信初访已答复。统计期间内答复的初信初访（非重复信访）中，信访人评价满意或基本满意、"
        "且此后未就同一事项再次信访（无登记为其重复件的信访事项）的为一次性化解。",
        source="answered",
        within=lambda c: _first_time,
        buckets=(Bucket("resolved", "一次性化解", _one_time_resolved), Bucket("first", "初信初访已答复", _all)),
        numerator=("resolved",),
        denominator=("first",),
        unit_field="current_unit",
        enabled=lambda c: c.one_time_resolution,
    ),
    Indicator(
        key="baoan_resolution_rate",
        label="包案化解率",
        formula="包案化解 ÷ 包案件数。统计期间内收到、由领导包案的信访事项中，已办结且信访人评价满意或基本满意的为化解。",
        source="received",
        within=lambda c: _baoan,
        buckets=(Bucket("resolved", "包案化解", _baoan_resolved), Bucket("total", "包案件数", _all)),
        numerator=("resolved",),
        denominator=("total",),
        unit_field="current_unit",
    ),
)
BY_KEY = {i.key: i for i in INDICATORS}
COHORTS: dict[str, QFn] = {"answered": answered, "received": received}
PERIOD_SETS: dict[str, QFn] = {"deadline": due_in, **COHORTS}


def indicators(config: StatsConfig) -> list[Indicator]:
    return [i for i in INDICATORS if i.enabled(config)]


# ---------------------------------------------------------------- volumes (counts, 批次 and 人次)


@dataclass(frozen=True)
class Volume:
    key: str
    label: str
    formula: str
    q: QFn  # within the received cohort
    persons_key: str = ""  # also the sum of 信访人数 (人次) under this key


VOLUMES: tuple[Volume, ...] = (
    Volume("received", "信访总量（批次）", "统计期间内收到的信访事项件数（批次），各渠道合计。", _all, "persons"),
    Volume(
        "group_visits",
        "集体访（批次）",
        "信访人数达到集体访标准的信访事项件数；人次为其信访人数之和。",
        lambda c: Q(is_group=True),
        "group_persons",
    ),
    Volume(
        "skip_level",
        "越级访（批次）",
        "登记为越级信访的件数；人次为其信访人数之和。",
        lambda c: Q(is_skip_level=True),
        "skip_level_persons",
    ),
    Volume(
        "to_province",
        "赴省越级访（批次）",
        "越级去向为赴省的件数。",
        lambda c: Q(skip_level_to=SkipLevelTo.PROVINCE),
        "to_province_persons",
    ),
    Volume(
        "to_beijing",
        "赴京越级访（批次）",
        "越级去向为赴京的件数。",
        lambda c: Q(skip_level_to=SkipLevelTo.BEIJING),
        "to_beijing_persons",
    ),
    Volume("repeat", "重复信访（件次）", "登记为重复信访（同人同事）的件数。", lambda c: Q(is_repeat=True)),
    Volume("first_time", "初信初访（件）", "未登记为重复信访的件数。", _first_time),
    Volume("baoan", "领导包案（件）", "由领导包案的件数。", _baoan),
)
VOLUME_BY_KEY = {v.key: v for v in VOLUMES}
PERSONS_LABELS = {
    "persons": "信访总量（人次）",
    "group_persons": "集体访（人次）",
    "skip_level_persons": "越级访（人次）",
    "to_province_persons": "赴省越级访（人次）",
    "to_beijing_persons": "赴京越级访（人次）",
}

# Breakdowns of the received cohort: (key, label, the case field grouped on).
BREAKDOWNS = (
    ("channel", "信访形式", "channel"),
    ("category", "内容分类", "category_id"),
    ("area", "问题属地", "area_id"),  # grouped by id (in pet_area_stats), rolled up by the areas' paths
    ("unit", "承办单位", "current_unit_id"),
    ("purpose", "信访目的", "purpose"),
)


# ---------------------------------------------------------------- drill-down


def prefixed(q: Q, prefix: str) -> Q:
    """The same condition seen from a table that points at the case (`petition__…`)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    children: list[Any] = []
    for c in q.children:
        if isinstance(c, Q):
            children.append(prefixed(c, prefix))
        else:
            key, value = cast("tuple[str, Any]", c)
            children.append((prefix + key, value))
    out.children = children
    return out


# The case's columns whose copies the deadline rows carry (petitions.deadlines.facts: same names).
_ON_DEADLINE_ROWS = frozenset(FACTS)


def on_deadline_rows(q: Q) -> Q | None:
    """The same condition on the deadline rows' copies of the case's facts, when it names only those
    (an area's subtree by ids, the accusation rule); None when it needs the case itself (a path prefix,
    a unit's scope), which the caller then joins."""
    for c in q.children:
        if isinstance(c, Q):
            if on_deadline_rows(c) is None:
                return None
        else:
            key, _value = cast("tuple[str, Any]", c)
            if key.split("__", 1)[0] not in _ON_DEADLINE_ROWS:
                return None
    return q


def indicator_cases_q(ind: Indicator, bucket_key: str, ctx: Ctx) -> Q:
    """The cases behind one bucket of an indicator, as a condition on Petition."""
    bucket = ind.bucket(bucket_key)
    cohort = ind.cohort(ctx.config)(ctx)
    if ind.source == "deadline":
        rows = Deadline.objects.filter(cohort & bucket.q(ctx), petition_id=OuterRef("pk"))
        return Q(Exists(rows))
    return cohort & bucket.q(ctx)


def volume_cases_q(vol: Volume, ctx: Ctx) -> Q:
    return received(ctx) & vol.q(ctx)
