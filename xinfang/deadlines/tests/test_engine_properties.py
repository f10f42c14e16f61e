"""Properties of the engine over any start date (2003–2028, so covered and uncovered years both occur)
and any calendar the override table can produce."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.deadlines.calendar import HOLIDAY, WORKDAY, WorkCalendar
from xinfang.deadlines.engine import CALENDAR, WORKING, RuleSpec, compute_due

starts = st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2028, 6, 30))
overrides = st.dictionaries(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)),
    st.tuples(st.sampled_from([HOLIDAY, WORKDAY]), st.just("")),
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(start=starts, days=st.integers(min_value=1, max_value=90), extra=overrides)
def test_calendar_days_without_roll_is_start_plus_n(
    start: dt.date, days: int, extra: dict[dt.date, tuple[str, str]]
) -> None:
    rule = RuleSpec("x", "x", "", days, CALENDAR, False, "organ")
    result = compute_due(rule, start, WorkCalendar(extra))
    assert result.due == start + dt.timedelta(days=days)
    assert result.estimated is False


@settings(max_examples=300, deadline=None)
@given(start=starts, days=st.integers(min_value=1, max_value=90), extra=overrides)
def test_calendar_days_with_roll_is_first_working_day_on_or_after(
    start: dt.date, days: int, extra: dict[dt.date, tuple[str, str]]
) -> None:
    cal = WorkCalendar(extra)
    rule = RuleSpec("x", "x", "", days, CALENDAR, True, "petitioner")
    result = compute_due(rule, start, cal)
    nominal = start + dt.timedelta(days=days)
    assert result.due >= nominal
    assert cal.is_workday(result.due)
    day = nominal
    while day < result.due:
        assert not cal.is_workday(day)
        day += dt.timedelta(days=1)
    assert [d.date for d in result.skipped] == [
        nominal + dt.timedelta(days=i) for i in range((result.due - nominal).days)
    ]


@settings(max_examples=300, deadline=None)
@given(start=starts, days=st.integers(min_value=1, max_value=30), extra=overrides)
def test_working_days_counts_exactly_n_and_lands_on_a_working_day(
    start: dt.date, days: int, extra: dict[dt.date, tuple[str, str]]
) -> None:
    cal = WorkCalendar(extra)
    rule = RuleSpec("x", "x", "", days, WORKING, False, "organ")
    result = compute_due(rule, start, cal)
    assert cal.is_workday(result.due)
    counted = sum(1 for i in range(1, (result.due - start).days + 1) if cal.is_workday(start + dt.timedelta(days=i)))
    assert counted == days
    # Estimated exactly when a day counted or skipped lies in a year nobody knows.
    touched = {(start + dt.timedelta(days=i)).year for i in range(1, (result.due - start).days + 1)}
    unknown = {y for y in touched if not cal.year_known(y)}
    days_in_unknown = [
        start + dt.timedelta(days=i)
        for i in range(1, (result.due - start).days + 1)
        if (start + dt.timedelta(days=i)).year in unknown and (start + dt.timedelta(days=i)) not in extra
    ]
    assert result.estimated is bool(days_in_unknown)
