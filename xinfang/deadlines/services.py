"""Deadline rules and the calendar: what a time limit is, for any case, knowing nothing of cases.

The rules in force, the working calendar, the calculator, and the pure state of one deadline row.
Per-case scheduling (opening, closing, extending a case's deadlines, the sweep) lives above, with the
cases (architecture.md: the case app holds the per-case deadlines; this app never imports it).
All dates are Asia/Shanghai local dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.dispatch import Signal

from xinfang.core import versioned
from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import today

from . import engine
from .calendar import WorkCalendar
from .models import CalendarOverride, CalendarYear, Party, TimeLimitRule

# Sent (with reason=…) after an administrator changed a rule or the calendar. The app that keeps the
# cases' deadlines recomputes the open ones and returns how many due dates moved; this app
# only asks, so it need not know what a case is.
recompute_requested = Signal()


def recompute_request(*, reason: str) -> int:
    """Ask every receiver of `recompute_requested` to recompute; the sum of the due dates they moved."""
    return sum(int(changed or 0) for _receiver, changed in recompute_requested.send(sender=None, reason=reason))


class DeadlineRow(Protocol):
    """What the rule side reads and writes of one case's deadline row (the case app's Deadline model)."""

    pk: Any
    party: str
    start_date: dt.date
    base_due_date: dt.date
    due_date: dt.date
    estimated: bool
    basis: str

    def effective_due(self, today: dt.date) -> dt.date: ...


def soon_days() -> int:
    return int(getattr(settings, "XINFANG_DEADLINE_SOON_DAYS", 3))


def soon_ratio() -> float:
    return float(getattr(settings, "XINFANG_DEADLINE_SOON_RATIO", 0.2))


# ---------------------------------------------------------------------------------------------------
# Reads: rules and calendar


@dataclass(frozen=True)
class DeadlineConfig:
    rules: dict[str, list[TimeLimitRule]]  # active rules by code
    calendar: WorkCalendar


# The rules, holiday overrides and notice years: every save, delete and bulk write renews this token
# (core.versioned; models.CONFIG_VERSION), and every worker then reloads them.
CONFIG_VERSION = "deadlines"


def config_changed(**_kwargs: Any) -> None:
    """A new token, so every worker reloads the rules and the calendar. Runs in the caller's
    transaction: a rollback restores the old token along with the data."""
    versioned.bump(CONFIG_VERSION)


def _load_config() -> DeadlineConfig:
    rules: dict[str, list[TimeLimitRule]] = {}
    for rule in TimeLimitRule.objects.filter(active=True).order_by("pk"):
        rules.setdefault(rule.code, []).append(rule)
    overrides = {row.date: (row.kind, row.note) for row in CalendarOverride.objects.all()}
    years = CalendarYear.objects.values_list("year", flat=True)
    return DeadlineConfig(rules=rules, calendar=WorkCalendar(overrides, years))


def config_snapshot() -> DeadlineConfig:
    """The active rules and the working calendar, from memory while the stored token is unchanged.
    A caller that opens several deadlines in one transaction may take one snapshot and pass it on."""
    return versioned.cached(CONFIG_VERSION, "config", _load_config)


def calendar_load() -> WorkCalendar:
    """The working calendar: the chinesecalendar package beaten by the admin's override table."""
    return config_snapshot().calendar


def area_path(area: Any) -> str:
    if area is None:
        return ""
    if isinstance(area, str):
        return area
    return str(getattr(area, "path", "") or "")


def rule_in_force(*, code: str, area: Any, on: dt.date, config: DeadlineConfig | None = None) -> TimeLimitRule | None:
    """The most local active rule for `code` in force on `on`: a county rule beats a city rule beats a
    province rule beats the national one; among equals the latest effective_from wins."""
    path = area_path(area)
    rules = (config or config_snapshot()).rules.get(code, [])
    candidates = [r for r in rules if r.in_force(on) and r.applies_to(path)]
    if not candidates:
        return None
    candidates.sort(key=lambda r: (len(r.area_code), r.effective_from, r.pk), reverse=True)
    return candidates[0]


def rule_for(*, code: str, area: Any, on: dt.date, config: DeadlineConfig | None = None) -> tuple[TimeLimitRule, str]:
    """Like rule_in_force, but a date before every version (an old case imported today) falls back to
    the earliest version that applies, and says so."""
    config = config or config_snapshot()
    rule = rule_in_force(code=code, area=area, on=on, config=config)
    if rule is not None:
        return rule, ""
    path = area_path(area)
    later = [r for r in config.rules.get(code, []) if r.effective_from > on and r.applies_to(path)]
    if later:
        later.sort(key=lambda r: (r.effective_from, -len(r.area_code), r.pk))
        return later[
            0
        ], f"{engine.cn_date(on)}时无生效规则，按{engine.cn_date(later[0].effective_from)}起施行的规则计算"
    raise ValidationFailed(f"未配置在{engine.cn_date(on)}有效的期限规则“{code}”", field="code")


def rule_max_days(*, code: str, area: Any, on: dt.date) -> int:
    """The number of days of the rule `code` in force for `area` on `on` (e.g. 30 for "extension")."""
    rule, _note = rule_for(code=code, area=area, on=on)
    return int(rule.days)


def rule_codes() -> list[tuple[str, str]]:
    """(code, name) of every code with an active rule, national names first, for the calculator."""
    seen: dict[str, str] = {}
    for rule in TimeLimitRule.objects.filter(active=True).order_by("code", "area_code", "-effective_from"):
        seen.setdefault(rule.code, rule.name)
    return list(seen.items())


def calendar_missing_years(*, on: dt.date | None = None) -> list[int]:
    """Years whose holidays neither chinesecalendar nor a full-year notice in the override table know:
    this year always, and next year from 1 December (the State Council notice is usually out by then)."""
    on = on or today()
    cal = calendar_load()
    years = [on.year] + ([on.year + 1] if on.month == 12 else [])
    return cal.missing_years(years)


@dataclass(frozen=True)
class Calculation:
    rule: TimeLimitRule
    result: engine.DueResult


def deadline_calculate(*, code: str, start: dt.date, area_code: str = "") -> Calculation:
    """For the calculator: the due date of rule `code` started on `start` in area `area_code` (optional)."""
    from xinfang.accounts.models import Area

    path = ""
    if area_code:
        area = Area.objects.filter(code=area_code.strip()).first()
        if area is None:
            raise ValidationFailed(f"未知的区划代码：{area_code}", field="area")
        path = area.path
    if not TimeLimitRule.objects.filter(code=code, active=True).exists():
        raise ValidationFailed(f"未知的期限规则：{code}", field="rule")
    rule, fallback = rule_for(code=code, area=path, on=start)
    result = engine.compute_due(rule.spec(), start, calendar_load())
    if fallback:
        result = _with_basis(result, f"{result.basis}；{fallback}")
    return Calculation(rule=rule, result=result)


def _with_basis(result: engine.DueResult, basis: str) -> engine.DueResult:
    return engine.DueResult(
        start=result.start,
        base_due=result.base_due,
        due=result.due,
        estimated=result.estimated,
        basis=basis,
        skipped=result.skipped,
        estimated_years=result.estimated_years,
    )


# ---------------------------------------------------------------------------------------------------
# One deadline row, whatever case it belongs to


def _limit_days(deadline: DeadlineRow, today_: dt.date) -> int:
    return (deadline.effective_due(today_) - deadline.start_date).days


def state_of(deadline: DeadlineRow, today_: dt.date) -> str:
    """正常 / 即将到期 / 已超期 of an open deadline on `today_` (the settings' thresholds)."""
    return engine.deadline_state(
        due=deadline.effective_due(today_),
        today=today_,
        limit_days=_limit_days(deadline, today_),
        soon_days=soon_days(),
        soon_ratio=soon_ratio(),
    )


def apply_due(deadline: DeadlineRow, result: engine.DueResult) -> None:
    """Copy a computation onto the row. A petitioner's window never shrinks once announced."""
    new_due = result.due
    basis = result.basis
    if deadline.pk and deadline.party == Party.PETITIONER and deadline.due_date and new_due < deadline.due_date:
        basis = (
            f"{basis}；重新计算为{engine.cn_date(new_due)}，早于已告知的{engine.cn_date(deadline.due_date)}，"
            f"信访人的期限不缩短，仍以{engine.cn_date(deadline.due_date)}为准"
        )
        new_due = deadline.due_date
    deadline.base_due_date = result.base_due
    deadline.due_date = new_due
    deadline.estimated = result.estimated
    deadline.basis = basis
