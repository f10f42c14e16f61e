"""Workers keep the rules and the calendar in memory; every change reaches the next deadline opened."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.deadlines.models import CalendarOverride, CalendarYear, TimeLimitRule
from xinfang.deadlines.services import deadline_calculate
from xinfang.petitions.deadlines.schedule import deadline_open

D = dt.date.fromisoformat

pytestmark = pytest.mark.django_db


def test_rule_edited_in_admin_applies_to_next_deadline(petition) -> None:
    assert deadline_open(petition=petition, code="handle", start=D("2026-09-01")).due_date == D("2026-10-31")
    rule = TimeLimitRule.objects.get(code="handle", area_code="")
    rule.days = 30
    rule.save()
    assert deadline_open(petition=petition, code="handle", start=D("2026-09-01")).due_date == D("2026-10-01")


def test_override_and_notice_year_apply_at_once() -> None:
    # 2026-10-12 (Monday) made a holiday: a 1-working-day-style check through the calculator.
    before = deadline_calculate(code="objection", start=D("2026-09-30")).result.due
    CalendarOverride.objects.create(date=before, kind="holiday", note="临时调整")
    after = deadline_calculate(code="objection", start=D("2026-09-30")).result.due
    assert after > before
    CalendarOverride.objects.filter(date=before).delete()
    assert deadline_calculate(code="objection", start=D("2026-09-30")).result.due == before
    # A year nobody knows is estimated until its notice is recorded.
    assert deadline_calculate(code="objection", start=D("2031-03-02")).result.estimated
    CalendarYear.objects.create(year=2031, source="国务院办公厅关于2031年部分节假日安排的通知")
    assert not deadline_calculate(code="objection", start=D("2031-03-02")).result.estimated


def test_bulk_update_of_rules_is_seen(petition) -> None:
    deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    TimeLimitRule.objects.filter(code="handle", area_code="").update(days=15)
    assert deadline_open(petition=petition, code="handle", start=D("2026-09-01")).due_date == D("2026-09-16")


def test_unchanged_configuration_is_not_read_again(petition) -> None:
    deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    with CaptureQueriesContext(connection) as ctx:
        deadline_open(petition=petition, code="handle", start=D("2026-09-02"))
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "deadlines_timelimitrule" not in tables
    assert "deadlines_calendaroverride" not in tables and "deadlines_calendaryear" not in tables
