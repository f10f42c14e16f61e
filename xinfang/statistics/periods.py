"""Statistical periods: a month, a quarter, a year or custom dates, as Asia/Shanghai local days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import start_of_local_day

KINDS = {"month": "月", "quarter": "季度", "year": "年", "custom": "自定义"}
MAX_DAYS = 366 * 5


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    kind: str = "custom"

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if self.kind == "quarter":
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if self.kind == "year":
            return f"{s.year}年"
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start of the first day, start of the day after the last), aware, Beijing time."""
        return start_of_local_day(self.start), start_of_local_day(self.end + dt.timedelta(days=1))

    @property
    def is_calendar_month(self) -> bool:
        """One whole calendar month, whatever its kind (a custom period of 1–31 March is one)."""
        return self.start.day == 1 and self.end == add_months(self.start, 1) - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before: the month, quarter or year before; custom dates: as many days before."""
        if self.kind in ("month", "quarter", "year"):
            months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
            start = add_months(self.start, -months)
            return Period(start, self.start - dt.timedelta(days=1), self.kind)
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1), "custom")

    def last_year(self) -> Period:
        """The same period a year earlier (同比); 29 February becomes 28 February."""

        def back(day: dt.date) -> dt.date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:
                return day.replace(year=day.year - 1, day=28)

        return Period(back(self.start), back(self.end), self.kind)


def month(year: int, month_: int) -> Period:
    start = dt.date(year, month_, 1)
    return Period(start, add_months(start, 1) - dt.timedelta(days=1), "month")


def quarter(year: int, q: int) -> Period:
    start = dt.date(year, 3 * (q - 1) + 1, 1)
    return Period(start, add_months(start, 3) - dt.timedelta(days=1), "quarter")


def year(y: int) -> Period:
    return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), "year")


def custom(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise ValidationFailed("统计截止日期不能早于起始日期", field="to")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed("统计期间不超过5年", field="to")
    if start.year < 1990:
        raise ValidationFailed("统计起始日期过早，请核对", field="from")
    return Period(start, end, "custom")


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"“{text[:20]}”不是有效日期，应为如2026-03-01的格式", field=field) from None


def from_params(*, kind: str, value: str, date_from: str, date_to: str, today: dt.date) -> Period:
    """The period a page or API call asks for: kind month|quarter|year with value 2026-03 | 2026-Q1 | 2026,
    or custom with from/to dates. Empty: the current month. Bad input raises ValidationFailed (Chinese)."""
    kind = kind or ("custom" if date_from or date_to else "month")
    if kind not in KINDS:
        raise ValidationFailed("统计期间类型应为月、季度、年或自定义", field="period")
    value = (value or "").strip()
    try:
        if kind == "month":
            if not value:
                return month(today.year, today.month)
            y, m = value.split("-")
            return month(int(y), int(m))
        if kind == "quarter":
            if not value:
                return quarter(today.year, (today.month - 1) // 3 + 1)
            y, q = value.upper().split("-Q")
            if not 1 <= int(q) <= 4:
                raise ValueError
            return quarter(int(y), int(q))
        if kind == "year":
            return year(int(value) if value else today.year)
    except ValueError:
        examples = {"month": "2026-03", "quarter": "2026-Q1", "year": "2026"}
        raise ValidationFailed(f"统计期间“{value[:20]}”无效，应为如{examples[kind]}的格式", field="value") from None
    if not date_from or not date_to:
        raise ValidationFailed("自定义期间须填写起止日期", field="from")
    return custom(parse_date(date_from, "from"), parse_date(date_to, "to"))
