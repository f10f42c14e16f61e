"""Statutory deadline arithmetic. Pure: no ORM, no Django; takes a rule and a calendar, returns a date
and the sentence that explains it.

Counting follows 民法典 Art 201: a period in days starts the day *after* the start event ("次日起算").
Calendar-day limits need no calendar except to roll a last day that falls on a rest day forward to the
next working day (民法典 Art 203, applied by analogy and only where the rule says so: a petitioner's
window never shrinks, an organ's deadline never grows). Working-day limits count working days only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from math import ceil

from .calendar import DayInfo, WorkCalendar

CALENDAR = "calendar"
WORKING = "working"

# Working-day limits in the regulation are short (5 工作日); bound the walk so bad data cannot hang a request.
MAX_WALK_DAYS = 3660


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    legal_basis: str
    days: int
    unit: str = CALENDAR  # CALENDAR | WORKING
    roll_forward: bool = False
    party: str = "organ"


@dataclass(frozen=True)
class DueResult:
    start: dt.date
    base_due: dt.date  # the statutory due date, before extension and pauses
    due: dt.date  # the date in force
    estimated: bool
    basis: str
    skipped: tuple[DayInfo, ...] = ()  # non-working days passed over while counting or rolling forward
    estimated_years: tuple[int, ...] = field(default=())


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_range(first: dt.date, last: dt.date) -> str:
    if first == last:
        return cn_date(first)
    if first.year == last.year and first.month == last.month:
        return f"{cn_date(first)}至{last.day}日"
    if first.year == last.year:
        return f"{cn_date(first)}至{last.month}月{last.day}日"
    return f"{cn_date(first)}至{cn_date(last)}"


def describe_days(days: tuple[DayInfo, ...] | list[DayInfo]) -> str:
    """'2024年10月1日至7日（国庆节）、2024年10月12日（周六）': consecutive days with the same label grouped."""
    groups: list[tuple[dt.date, dt.date, str]] = []
    for info in sorted(days, key=lambda d: d.date):
        label = "周末" if info.label in ("周六", "周日") else info.label
        if groups and groups[-1][2] == label and (info.date - groups[-1][1]).days == 1:
            groups[-1] = (groups[-1][0], info.date, label)
        else:
            groups.append((info.date, info.date, label))
    return "、".join(f"{_cn_range(a, b)}（{label}）" for a, b, label in groups)


def count_working_days(start: dt.date, end: dt.date, cal: WorkCalendar) -> int:
    """Working days in (start, end]: the start day itself is not counted."""
    n = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if cal.is_workday(day):
            n += 1
        day += dt.timedelta(days=1)
    return n


def compute_due(
    rule: RuleSpec,
    start: dt.date,
    cal: WorkCalendar,
    *,
    extension_days: int = 0,
    paused_days: int = 0,
    due_override: dt.date | None = None,
    override_note: str = "",
) -> DueResult:
    """The due date of `rule` started on `start`, plus extension and paused days (both calendar days,
    added to the due date: Art 34 延长 "不得超过30日", Art 36 听证时间不计入).

    `due_override` (a 交办 deadline fixed by the dispatcher) replaces the statutory date.
    """
    days = max(int(rule.days), 0)
    consulted: set[int] = set()
    notes: list[str] = []
    skipped: list[DayInfo] = []
    swapped: list[DayInfo] = []

    if rule.unit == WORKING:
        counted = 0
        day = start
        walked = 0
        while counted < days and walked < MAX_WALK_DAYS:
            day += dt.timedelta(days=1)
            walked += 1
            info = cal.day(day)
            if info.estimated:
                consulted.add(day.year)
            if info.working:
                counted += 1
                if info.is_swapped_workday:
                    swapped.append(info)
            else:
                skipped.append(info)
        base_due = day
        head = f"自{cn_date(start)}次日起算{days}个工作日"
        if swapped:
            notes.append("、".join(cn_date(i.date) for i in swapped) + "为调休工作日，计入")
        if skipped:
            notes.append(f"跳过非工作日{len(skipped)}天：{describe_days(skipped)}")
    else:
        base_due = start + dt.timedelta(days=days)
        head = f"自{cn_date(start)}次日起算{days}日"
        if rule.roll_forward:
            day = base_due
            while True:
                info = cal.day(day)
                if info.estimated:
                    consulted.add(day.year)
                if info.working or len(skipped) >= 366:
                    break
                skipped.append(info)
                day += dt.timedelta(days=1)
            if skipped:
                notes.append(f"期限末日适逢休息日：{describe_days(skipped)}，顺延至其后第一个工作日{cn_date(day)}")
            base_due = day
        else:
            # No calendar needed; say what kind of day the last day is when we know, never guess.
            if cal.year_known(base_due.year) or base_due in cal.overrides:
                info = cal.day(base_due)
                if info.is_swapped_workday:
                    notes.append(f"{cn_date(base_due)}为调休工作日")
                elif not info.working:
                    notes.append(f"{cn_date(base_due)}为休息日（{info.label}），期限不顺延")

    parts = [head]
    if rule.legal_basis:
        parts[0] = f"{head}，{rule.legal_basis}"
    parts.extend(notes)

    due = base_due
    if due_override is not None:
        due = due_override
        parts.append(
            f"交办期限由交办机关指定为{cn_date(due_override)}" + (f"（{override_note}）" if override_note else "")
        )
    if extension_days:
        due += dt.timedelta(days=extension_days)
        parts.append(f"经批准延长{extension_days}日")
    if paused_days:
        due += dt.timedelta(days=paused_days)
        parts.append(f"听证等不计入期限的时间{paused_days}日，顺延")
    if extension_days or paused_days or due_override is not None:
        parts.append(f"到期日为{cn_date(due)}")

    estimated_years = tuple(sorted(consulted))
    if estimated_years:
        years = "、".join(f"{y}年" for y in estimated_years)
        parts.append(f"{years}节假日安排尚未公布（日历库和节假日调整表均无该年数据），仅按周末推算，为预计日期")

    return DueResult(
        start=start,
        base_due=base_due,
        due=due,
        estimated=bool(estimated_years),
        basis="；".join(parts),
        skipped=tuple(skipped),
        estimated_years=estimated_years,
    )


# ---------------------------------------------------------------------------------------------------
# Deadline states shown to users (正常 / 即将到期 / 已超期).

NORMAL = "normal"
SOON = "soon"
OVERDUE = "overdue"


def soon_threshold(limit_days: int, *, soon_days: int, soon_ratio: float) -> int:
    """Days left at which a deadline turns 即将到期: `soon_days` or `soon_ratio` of the limit, whichever
    comes first in time (the larger number of days)."""
    return max(int(soon_days), ceil(max(limit_days, 0) * float(soon_ratio)))


def deadline_state(
    *, due: dt.date, today: dt.date, limit_days: int, soon_days: int = 3, soon_ratio: float = 0.2
) -> str:
    left = (due - today).days
    if left < 0:
        return OVERDUE
    if left <= soon_threshold(limit_days, soon_days=soon_days, soon_ratio=soon_ratio):
        return SOON
    return NORMAL
