"""Deadline arithmetic without a database. Every expected date below was checked against
chinesecalendar 1.11.0 by counting is_workday() day by day (not with the engine under test)."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.deadlines.calendar import HOLIDAY, WORKDAY, WorkCalendar
from xinfang.deadlines.engine import (
    CALENDAR,
    OVERDUE,
    SOON,
    WORKING,
    RuleSpec,
    compute_due,
    deadline_state,
    soon_threshold,
)

D = dt.date.fromisoformat

OBJECTION = RuleSpec("objection", "提出异议", "《信访工作条例》第二十三条第三款", 5, WORKING, False, "organ")
TRANSFER = RuleSpec("transfer", "转送交办", "《信访工作条例》第二十二条", 15, CALENDAR, False, "organ")
HANDLE = RuleSpec("handle", "办理", "《信访工作条例》第三十四条", 60, CALENDAR, False, "organ")
REVIEW_REQUEST = RuleSpec("review_request", "请求复查", "《信访工作条例》第三十五条", 30, CALENDAR, True, "petitioner")


@pytest.mark.parametrize(
    ("start", "due", "why"),
    [
        ("2024-02-08", "2024-02-21", "春节 2024: 2/10–17 off, Sunday 2/18 worked"),
        ("2024-02-03", "2024-02-08", "春节 2024: Sunday 2/4 worked and counted"),
        ("2025-01-24", "2025-02-07", "春节 2025: Sunday 1/26 worked, 1/28–2/4 off"),
        ("2026-02-12", "2026-02-26", "春节 2026: Saturday 2/14 worked, 2/15–23 off"),
        ("2026-02-27", "2026-03-05", "春节 2026: Saturday 2/28 worked"),
        ("2024-04-03", "2024-04-11", "清明 2024: 4/4–6 off, Sunday 4/7 worked"),
        ("2025-04-02", "2025-04-10", "清明 2025: 4/4–6 off"),
        ("2026-04-02", "2026-04-10", "清明 2026: 4/4–6 off"),
        ("2024-04-29", "2024-05-09", "劳动节 2024: 5/1–5 off"),
        ("2025-04-29", "2025-05-09", "劳动节 2025: 5/1–5 off"),
        ("2026-04-29", "2026-05-09", "劳动节 2026: due on the worked Saturday 5/9"),
        ("2024-09-12", "2024-09-20", "中秋 2024: Saturday 9/14 worked, 9/15–17 off"),
        ("2024-09-27", "2024-10-10", "国庆 2024: Sunday 9/29 worked, 10/1–7 off"),
        ("2025-09-27", "2025-10-10", "国庆+中秋 2025: Sunday 9/28 worked, 10/1–8 off"),
        ("2025-09-29", "2025-10-13", "国庆+中秋 2025: Saturday 10/11 worked"),
        ("2026-09-24", "2026-10-09", "中秋 2026 9/25–27 then 国庆 10/1–7"),
        ("2026-09-30", "2026-10-13", "国庆 2026: Saturday 10/10 worked"),
        ("2026-12-20", "2026-12-25", "a plain week, start on a Sunday"),
    ],
)
def test_working_days_around_holidays(start: str, due: str, why: str) -> None:
    result = compute_due(OBJECTION, D(start), WorkCalendar())
    assert result.due == D(due), why
    assert result.estimated is False


def test_working_day_basis_names_skipped_and_swapped_days() -> None:
    result = compute_due(OBJECTION, D("2024-09-27"), WorkCalendar())
    assert result.basis.startswith("自2024年9月27日次日起算5个工作日，《信访工作条例》第二十三条第三款")
    assert "2024年9月29日为调休工作日" in result.basis
    assert "2024年10月1日至7日（国庆节）" in result.basis
    assert [d.date for d in result.skipped][:2] == [D("2024-09-28"), D("2024-10-01")]
    assert len(result.skipped) == 8


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2024-09-01", "2024-10-08"),  # 10/1 国庆 → first working day after the week
        ("2025-03-05", "2025-04-07"),  # 4/4 清明 2025
        ("2026-04-01", "2026-05-06"),  # 5/1 劳动节 2026
        ("2024-12-29", "2025-02-05"),  # 1/28 春节 2025
        ("2026-01-16", "2026-02-24"),  # 2/15 春节 2026
        ("2024-08-16", "2024-09-18"),  # 9/15 中秋 2024
        ("2025-09-05", "2025-10-09"),  # 10/5 国庆+中秋 2025
        ("2026-08-26", "2026-09-28"),  # 9/25 中秋 2026
        ("2026-05-07", "2026-06-08"),  # an ordinary Saturday
        ("2026-09-10", "2026-10-10"),  # a worked Saturday: no roll
        ("2024-09-12", "2024-10-12"),  # a worked Saturday: no roll
        ("2026-03-10", "2026-04-09"),  # an ordinary Thursday
    ],
)
def test_petitioner_window_rolls_forward(start: str, due: str) -> None:
    result = compute_due(REVIEW_REQUEST, D(start), WorkCalendar())
    assert result.due == D(due)
    assert result.base_due == D(due)
    assert not result.estimated


def test_roll_forward_basis() -> None:
    result = compute_due(REVIEW_REQUEST, D("2026-09-03"), WorkCalendar())
    assert result.due == D("2026-10-08")
    assert "期限末日适逢休息日：2026年10月3日至7日（国庆节），顺延至其后第一个工作日2026年10月8日" in result.basis


def test_organ_deadline_does_not_roll_and_says_so() -> None:
    result = compute_due(HANDLE, D("2026-08-02"), WorkCalendar())
    assert result.due == D("2026-10-01")
    assert "2026年10月1日为休息日（国庆节），期限不顺延" in result.basis
    assert result.skipped == ()


def test_issue_example_sentence() -> None:
    result = compute_due(TRANSFER, D("2026-09-25"), WorkCalendar())
    assert result.due == D("2026-10-10")
    assert result.basis == "自2026年9月25日次日起算15日，《信访工作条例》第二十二条；2026年10月10日为调休工作日"


# --- year boundaries: chinesecalendar 1.11 stops at 2026 ---------------------------------------


def test_working_days_into_2027_are_estimated() -> None:
    result = compute_due(OBJECTION, D("2026-12-28"), WorkCalendar())
    # 12/29, 12/30, 12/31 known; 2027-01-01 (Fri) and 01-04 (Mon) counted by weekends only.
    assert result.due == D("2027-01-04")
    assert result.estimated is True
    assert result.estimated_years == (2027,)
    assert "2027年节假日安排尚未公布" in result.basis
    assert "预计" in result.basis


def test_working_days_ending_in_december_are_not_estimated() -> None:
    result = compute_due(OBJECTION, D("2026-12-22"), WorkCalendar())
    assert result.due == D("2026-12-29")
    assert result.estimated is False


def test_calendar_days_into_2027_need_no_calendar() -> None:
    result = compute_due(HANDLE, D("2026-12-01"), WorkCalendar())
    assert result.due == D("2027-01-30")
    assert result.estimated is False


def test_roll_forward_into_2027_is_estimated() -> None:
    result = compute_due(REVIEW_REQUEST, D("2026-12-02"), WorkCalendar())
    assert result.due == D("2027-01-01")  # a Friday, presumed working
    assert result.estimated is True


def test_notice_entered_for_2027_ends_the_estimate() -> None:
    cal = WorkCalendar({D("2027-01-01"): (HOLIDAY, "元旦")}, notice_years=[2027])
    result = compute_due(REVIEW_REQUEST, D("2026-12-02"), cal)
    assert result.due == D("2027-01-04")
    assert result.estimated is False
    working = compute_due(OBJECTION, D("2026-12-28"), cal)
    assert working.due == D("2027-01-05")
    assert working.estimated is False


def test_years_before_2004_are_estimated_too() -> None:
    assert compute_due(OBJECTION, D("2003-06-02"), WorkCalendar()).estimated


# --- overrides beat the library -----------------------------------------------------------------


def test_override_holiday_beats_library() -> None:
    plain = compute_due(OBJECTION, D("2026-09-30"), WorkCalendar())
    assert plain.due == D("2026-10-13")
    cal = WorkCalendar({D("2026-10-09"): (HOLIDAY, "地方调休")})
    moved = compute_due(OBJECTION, D("2026-09-30"), cal)
    assert moved.due == D("2026-10-14")
    assert "地方调休" in moved.basis


def test_override_workday_beats_library() -> None:
    cal = WorkCalendar({D("2026-10-07"): (WORKDAY, "")})
    assert compute_due(OBJECTION, D("2026-09-30"), cal).due == D("2026-10-12")


def test_override_removes_swapped_saturday() -> None:
    cal = WorkCalendar({D("2026-10-10"): (HOLIDAY, "取消调休")})
    assert compute_due(OBJECTION, D("2026-09-30"), cal).due == D("2026-10-14")


# --- extension, pauses, override dates ----------------------------------------------------------


def test_extension_and_pause_add_calendar_days() -> None:
    result = compute_due(HANDLE, D("2026-03-01"), WorkCalendar(), extension_days=30, paused_days=4)
    assert result.base_due == D("2026-04-30")
    assert result.due == D("2026-06-03")
    assert "经批准延长30日" in result.basis
    assert "2026年6月3日" in result.basis


def test_due_override_replaces_statutory_date() -> None:
    result = compute_due(HANDLE, D("2026-03-01"), WorkCalendar(), due_override=D("2026-03-20"))
    assert result.due == D("2026-03-20")
    assert result.base_due == D("2026-04-30")
    assert "交办期限由交办机关指定为2026年3月20日" in result.basis


# --- states -------------------------------------------------------------------------------------


def test_soon_threshold_is_the_later_of_days_and_ratio() -> None:
    assert soon_threshold(60, soon_days=3, soon_ratio=0.2) == 12
    assert soon_threshold(5, soon_days=3, soon_ratio=0.2) == 3
    assert soon_threshold(15, soon_days=3, soon_ratio=0.2) == 3


@pytest.mark.parametrize(
    ("today", "state"),
    [
        ("2026-03-01", "normal"),
        ("2026-03-18", "normal"),
        ("2026-03-19", SOON),
        ("2026-03-31", SOON),
        ("2026-04-01", OVERDUE),
    ],
)
def test_deadline_state(today: str, state: str) -> None:
    assert deadline_state(due=D("2026-03-31"), today=D(today), limit_days=60) == state
