"""Admin saves of rules and overrides recompute open cases; the changelists warn about a missing calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xinfang.accounts.models import User
from xinfang.deadlines.models import CalendarOverride, TimeLimitRule
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.deadlines.schedule import deadline_open
from xinfang.petitions.models import Event

from .conftest import at
from .factories import make_petition

D = dt.date.fromisoformat

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(username="dl-admin", password="pass-word-123", email="a@example.com")
    client.force_login(user)
    return client


@pytest.fixture
def open_case(world, time_machine):
    time_machine.move_to(at("2026-09-30"), tick=False)
    petition = make_petition(area=world.area, office=world.office, current=world.handler, received=D("2026-09-30"))
    deadline_open(petition=petition, code="objection", start=D("2026-09-30"))  # due 2026-10-13
    return petition


def test_adding_override_in_admin_recomputes(admin_client, open_case) -> None:
    response = admin_client.post(
        reverse("admin:deadlines_calendaroverride_add"), {"date": "2026-10-09", "kind": "holiday", "note": "地方调休"}
    )
    assert response.status_code == 302
    assert Deadline.objects.get(petition=open_case).due_date == D("2026-10-14")
    assert Event.objects.filter(petition=open_case, action="deadline_recomputed").count() == 1

    override = CalendarOverride.objects.get()
    response = admin_client.post(
        reverse("admin:deadlines_calendaroverride_delete", args=[override.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Deadline.objects.get(petition=open_case).due_date == D("2026-10-13")
    assert Event.objects.filter(petition=open_case, action="deadline_recomputed").count() == 2


def test_editing_rule_in_admin_recomputes(admin_client, open_case) -> None:
    rule = TimeLimitRule.objects.get(code="objection", area_code="")
    data = {
        "code": "objection",
        "name": rule.name,
        "legal_basis": rule.legal_basis,
        "note": rule.note,
        "days": 6,
        "unit": "working",
        "start_event": rule.start_event,
        "party": "organ",
        "area_code": "",
        "effective_from": "2022-05-01",
        "effective_to": "",
        "active": "on",
    }
    response = admin_client.post(reverse("admin:deadlines_timelimitrule_change", args=[rule.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Deadline.objects.get(petition=open_case).due_date == D("2026-10-14")


def test_rule_area_code_must_exist(admin_client) -> None:
    data = {
        "code": "handle",
        "name": "办理",
        "days": 30,
        "unit": "calendar",
        "start_event": "accepted",
        "party": "organ",
        "area_code": "999999",
        "effective_from": "2026-01-01",
        "active": "on",
    }
    response = admin_client.post(reverse("admin:deadlines_timelimitrule_add"), data)
    assert response.status_code == 200
    assert "区划代码不存在" in response.content.decode()


def test_changelist_warns_from_december_when_next_year_missing(admin_client, time_machine) -> None:
    time_machine.move_to(at("2026-11-30"), tick=False)
    admin_client.force_login(User.objects.get(username="dl-admin"))  # sessions age with the clock
    response = admin_client.get(reverse("admin:deadlines_timelimitrule_changelist"))
    assert response.status_code == 200
    assert "法定节假日安排尚未录入" not in response.content.decode()
    time_machine.move_to(at("2026-12-01"), tick=False)
    admin_client.force_login(User.objects.get(username="dl-admin"))
    body = admin_client.get(reverse("admin:deadlines_timelimitrule_changelist")).content.decode()
    assert "2027年的法定节假日安排尚未录入" in body
    body = admin_client.get(reverse("admin:deadlines_calendaroverride_changelist")).content.decode()
    assert "2027年的法定节假日安排尚未录入" in body


def test_deadline_admin_is_read_only(admin_client, open_case) -> None:
    response = admin_client.get(reverse("admin:petitions_deadline_changelist"))
    assert response.status_code == 200
    assert admin_client.get(reverse("admin:petitions_deadline_add")).status_code == 403
