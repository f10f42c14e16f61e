"""Which days are working days in mainland China. Pure: no ORM, no Django.

Three sources, most specific first (domain.md §6):

1. the admin-maintained override table (local changes, next year's State Council notice);
2. the ``chinesecalendar`` package (statutory holidays and 调休 working weekends, 2004–2026 in v1.11);
3. weekends only. A year that neither the package nor a full-year notice in the override table knows
   is *estimated*: the answer is a guess and every result built on it is shown as 预计.

Never raises for a date: the package's ``NotImplementedError`` for unsupported years is the signal to
fall back, not an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import Holiday

HOLIDAY = "holiday"
WORKDAY = "workday"

_WEEKDAY_CN = "一二三四五六日"


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    working: bool
    # Why the day is what it is, in Chinese: "国庆节", "调休工作日（国庆节）", "周末", an override's note …
    label: str
    source: str  # "override" | "library" | "notice" | "estimated"

    @property
    def estimated(self) -> bool:
        return self.source == "estimated"

    @property
    def is_swapped_workday(self) -> bool:
        """A Saturday or Sunday that is a working day (调休上班)."""
        return self.working and self.date.weekday() >= 5


@lru_cache(maxsize=64)
def library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _holiday_cn(name: str | None) -> str:
    if not name:
        return ""
    try:
        return str(Holiday(name).chinese)
    except ValueError:
        return name


def _weekend_info(day: dt.date, source: str) -> DayInfo:
    if day.weekday() >= 5:
        return DayInfo(day, False, f"周{_WEEKDAY_CN[day.weekday()]}", source)
    return DayInfo(day, True, "工作日", source)


class WorkCalendar:
    """Answers `day()` / `is_workday()` from overrides, the package and the weekend rule, in that order.

    ``overrides`` maps a date to ``(kind, note)`` with kind ``"holiday"`` or ``"workday"``.
    ``notice_years`` are years whose full State Council notice has been entered as overrides, so the
    override table plus weekends is authoritative for them (not estimated).
    """

    def __init__(
        self,
        overrides: Mapping[dt.date, tuple[str, str]] | None = None,
        notice_years: Iterable[int] = (),
        *,
        use_library: bool = True,
    ) -> None:
        self.overrides: dict[dt.date, tuple[str, str]] = dict(overrides or {})
        self.notice_years = frozenset(notice_years)
        self.use_library = use_library

    def year_known(self, year: int) -> bool:
        return year in self.notice_years or (self.use_library and library_covers(year))

    def year_source(self, year: int) -> str:
        """Where the year's holidays come from: "notice" (override table), "library", or "estimated"."""
        if year in self.notice_years:
            return "notice"
        if self.use_library and library_covers(year):
            return "library"
        return "estimated"

    def day(self, day: dt.date) -> DayInfo:
        if day in self.overrides:
            kind, note = self.overrides[day]
            if kind == WORKDAY:
                label = note or ("调休工作日" if day.weekday() >= 5 else "工作日")
                return DayInfo(day, True, label, "override")
            return DayInfo(day, False, note or "节假日", "override")
        source = self.year_source(day.year)
        if source == "library":
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
            cn = _holiday_cn(name)
            if is_holiday:
                if cn:
                    return DayInfo(day, False, cn, source)
                return _weekend_info(day, source)
            if name:  # a working day that belongs to a holiday arrangement: 调休上班
                return DayInfo(day, True, f"调休工作日（{cn}）" if day.weekday() >= 5 else "工作日", source)
            return DayInfo(day, True, "工作日", source)
        return _weekend_info(day, source)

    def is_workday(self, day: dt.date) -> bool:
        return self.day(day).working

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day on or after `day` (a week of rest days at most, but bound the walk anyway)."""
        for offset in range(366):
            candidate = day + dt.timedelta(days=offset)
            if self.is_workday(candidate):
                return candidate
        return day  # unreachable with any real calendar: never loop forever on bad override data

    def missing_years(self, years: Iterable[int]) -> list[int]:
        return sorted({y for y in years if not self.year_known(y)})
