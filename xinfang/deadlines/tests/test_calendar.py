"""The working calendar without a database: package, overrides and the weekend fallback."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from xinfang.deadlines.calendar import HOLIDAY, WORKDAY, WorkCalendar, library_covers

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("day", "working", "label"),
    [
        ("2024-02-04", True, "调休工作日（春节）"),  # Sunday worked before 春节
        ("2024-02-12", False, "春节"),
        ("2024-02-18", True, "调休工作日（春节）"),
        ("2025-04-04", False, "清明"),
        ("2025-04-27", True, "调休工作日（劳动节）"),
        ("2026-05-09", True, "调休工作日（劳动节）"),
        ("2024-09-14", True, "调休工作日（中秋）"),
        ("2024-09-16", False, "中秋"),
        ("2025-10-06", False, "中秋"),  # 2025: 中秋 inside the 国庆 week
        ("2026-10-01", False, "国庆节"),
        ("2026-10-10", True, "调休工作日（国庆节）"),
        ("2026-10-17", False, "周六"),
        ("2026-10-16", True, "工作日"),
    ],
)
def test_library_days(day: str, working: bool, label: str) -> None:
    info = WorkCalendar().day(D(day))
    assert info.working is working
    assert label in info.label
    assert info.source == "library"
    assert not info.estimated


def test_library_coverage_2004_to_2026_only() -> None:
    assert library_covers(2004)
    assert library_covers(2026)
    assert not library_covers(2027)
    assert not library_covers(2003)


def test_unknown_year_is_weekends_only_and_estimated() -> None:
    cal = WorkCalendar()
    friday, saturday = cal.day(D("2027-01-01")), cal.day(D("2027-01-02"))
    assert friday.working and friday.estimated
    assert not saturday.working and saturday.estimated
    assert cal.missing_years([2026, 2027]) == [2027]


def test_override_beats_library() -> None:
    cal = WorkCalendar({D("2026-10-09"): (HOLIDAY, "地方调休"), D("2026-10-07"): (WORKDAY, "")})
    assert not cal.is_workday(D("2026-10-09"))
    assert cal.day(D("2026-10-09")).label == "地方调休"
    assert cal.is_workday(D("2026-10-07"))  # a 国庆 holiday in the package


def test_notice_year_makes_overrides_authoritative() -> None:
    overrides = {D("2027-01-01"): (HOLIDAY, "元旦")}
    assert WorkCalendar(overrides).day(D("2027-01-04")).estimated
    cal = WorkCalendar(overrides, notice_years=[2027])
    assert cal.year_known(2027)
    assert not cal.day(D("2027-01-04")).estimated
    assert cal.day(D("2027-01-01")).label == "元旦"
    assert cal.next_workday(D("2027-01-01")) == D("2027-01-04")


def test_pure_modules_import_nothing_from_django_db() -> None:
    here = Path(__file__).resolve().parents[1]
    for name in ("engine.py", "calendar.py"):
        text = (here / name).read_text(encoding="utf-8")
        assert "django" not in text, name
    # And importing them does not pull in the ORM.
    code = (
        "import sys; import xinfang.deadlines.engine, xinfang.deadlines.calendar; "
        "assert 'django.db' not in sys.modules, 'ORM imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=here.parents[1])
