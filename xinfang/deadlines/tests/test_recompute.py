"""A change of rule, override or calendar moves the due dates of open cases, and says so on the timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.deadlines.models import CalendarOverride, CalendarYear, TimeLimitRule
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.deadlines.schedule import deadline_close, deadline_open
from xinfang.petitions.deadlines.sweep import deadlines_recompute
from xinfang.petitions.models import Event, Petition

from .conftest import at
from .factories import make_petition

D = dt.date.fromisoformat

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world, time_machine):
    time_machine.move_to(at("2026-09-30"), tick=False)
    open_case = make_petition(area=world.area, office=world.office, current=world.handler, received=D("2026-09-30"))
    closed_case = make_petition(area=world.area, office=world.office, current=world.handler, received=D("2026-09-30"))
    deadline_open(petition=open_case, code="objection", start=D("2026-09-30"))
    deadline_open(petition=closed_case, code="objection", start=D("2026-09-30"))
    deadline_close(petition=closed_case, code="objection")
    return open_case, closed_case


def test_holiday_override_moves_open_cases_only(cases) -> None:
    open_case, closed_case = cases
    assert Deadline.objects.get(petition=open_case).due_date == D("2026-10-13")
    CalendarOverride.objects.create(date=D("2026-10-09"), kind="holiday", note="地方调休")

    assert deadlines_recompute(reason="新增节假日调整 2026-10-09") == 1

    moved = Deadline.objects.get(petition=open_case)
    assert moved.due_date == D("2026-10-14")
    assert "地方调休" in moved.basis
    assert Petition.objects.get(pk=open_case.pk).due_date == D("2026-10-14")
    closed = Deadline.objects.get(petition=closed_case)
    assert closed.due_date == D("2026-10-13") and closed.status == "met"

    event = Event.objects.get(petition=open_case, action="deadline_recomputed")
    assert "新增节假日调整 2026-10-09" in event.note
    assert "2026年10月13日调整为2026年10月14日" in event.note
    assert event.data["new_due"] == "2026-10-14"
    assert not Event.objects.filter(petition=closed_case, action="deadline_recomputed").exists()


def test_recompute_is_idempotent(cases) -> None:
    CalendarOverride.objects.create(date=D("2026-10-09"), kind="holiday")
    assert deadlines_recompute(reason="x") == 1
    assert deadlines_recompute(reason="x") == 0
    assert Event.objects.filter(action="deadline_recomputed").count() == 1


def test_rule_edit_moves_cases_using_that_rule(cases) -> None:
    open_case, _ = cases
    TimeLimitRule.objects.filter(code="objection", area_code="").update(days=6)
    assert deadlines_recompute(reason="期限规则修改") == 1
    assert Deadline.objects.get(petition=open_case, status="open").due_date == D("2026-10-14")


def test_due_override_deadlines_are_left_alone(world, time_machine) -> None:
    time_machine.move_to(at("2026-09-01"), tick=False)
    case = make_petition(area=world.area, office=world.office, received=D("2026-09-01"))
    deadline_open(petition=case, code="handle", start=D("2026-09-01"), due_override=D("2026-09-20"))
    TimeLimitRule.objects.filter(code="handle", area_code="").update(days=30)
    assert deadlines_recompute(reason="x") == 0
    assert Deadline.objects.get(petition=case).due_date == D("2026-09-20")


def test_entering_next_years_notice_ends_the_estimate(world, time_machine) -> None:
    time_machine.move_to(at("2026-12-28"), tick=False)
    case = make_petition(area=world.area, office=world.office, received=D("2026-12-28"))
    deadline = deadline_open(petition=case, code="objection", start=D("2026-12-28"))
    assert deadline.estimated and deadline.due_date == D("2027-01-04")
    CalendarOverride.objects.create(date=D("2027-01-01"), kind="holiday", note="元旦")
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    assert deadlines_recompute(reason="录入2027年节假日安排") == 1
    deadline.refresh_from_db()
    assert not deadline.estimated
    assert deadline.due_date == D("2027-01-05")


def test_petitioner_window_never_shrinks(world, time_machine) -> None:
    time_machine.move_to(at("2026-09-01"), tick=False)
    case = make_petition(area=world.area, office=world.office, received=D("2026-09-01"))
    CalendarOverride.objects.create(date=D("2026-10-08"), kind="holiday", note="误录")
    window = deadline_open(petition=case, code="review_request", start=D("2026-09-03"))
    assert window.due_date == D("2026-10-09")
    CalendarOverride.objects.all().delete()
    deadlines_recompute(reason="删除节假日调整")
    window.refresh_from_db()
    assert window.due_date == D("2026-10-09")
    assert "信访人的期限不缩短" in window.basis


def test_recompute_command_after_a_calendar_upgrade(cases) -> None:
    from io import StringIO

    from django.core.management import call_command

    CalendarOverride.objects.create(date=D("2026-10-09"), kind="holiday")
    out = StringIO()
    call_command("deadlines_recompute", "--reason", "升级 chinesecalendar", stdout=out)
    assert "1项" in out.getvalue()
    assert "升级 chinesecalendar" in Event.objects.get(action="deadline_recomputed").note
