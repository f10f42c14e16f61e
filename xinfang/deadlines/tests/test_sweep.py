"""deadlines_sweep: states move with the date, each warning goes out once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from xinfang.notifications.models import Message
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.deadlines.schedule import deadline_open
from xinfang.petitions.deadlines.sweep import deadlines_sweep
from xinfang.petitions.models import Petition

from .conftest import at
from .factories import make_petition

D = dt.date.fromisoformat

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world, time_machine):
    time_machine.move_to(at("2026-09-01"), tick=False)
    petition = make_petition(area=world.area, office=world.office, current=world.handler, received=D("2026-09-01"))
    deadline_open(petition=petition, code="notify_acceptance", start=D("2026-09-01"))  # due 2026-09-16
    deadline_open(petition=petition, code="review_request", start=D("2026-07-01"))  # petitioner, long expired
    return petition


def test_running_twice_sends_each_warning_once(case, world, time_machine) -> None:
    time_machine.move_to(at("2026-09-05"), tick=False)
    assert deadlines_sweep()["notified"] == 0

    time_machine.move_to(at("2026-09-13"), tick=False)
    first = deadlines_sweep()
    second = deadlines_sweep()
    assert first["notified"] == 1 and first["changed"] == 1
    assert second["notified"] == 0 and second["changed"] == 0
    soon = Message.objects.get(event="deadline_soon")
    assert soon.unit_id == world.handler.pk
    assert soon.case_id == case.pk
    # The unit has nobody at the post: the warning stays on the unit (the outbox page shows it).
    assert soon.key.startswith(f"deadline:{Deadline.objects.get(code='notify_acceptance').pk}:soon:")
    assert soon.channel == "inbox" and soon.user is None
    assert "即将到期" in soon.subject
    assert Petition.objects.get(pk=case.pk).deadline_state == "soon"

    time_machine.move_to(at("2026-09-17"), tick=False)
    deadlines_sweep()
    deadlines_sweep()
    assert Message.objects.filter(event="deadline_overdue").count() == 1
    assert Message.objects.count() == 2
    assert Petition.objects.get(pk=case.pk).deadline_state == "overdue"
    assert Deadline.objects.get(code="notify_acceptance").state == "overdue"
    # The petitioner's expired window made nothing overdue and sent nothing.
    assert Deadline.objects.get(code="review_request").state == "normal"


def test_sweep_now_argument_and_command(case, time_machine) -> None:
    stats = deadlines_sweep(now=at("2026-09-20"))
    assert stats["overdue"] == 1 and stats["notified"] == 1
    time_machine.move_to(at("2026-09-20"), tick=False)
    call_command("deadlines_sweep")
    assert Message.objects.count() == 1


def test_transfer_warning_goes_to_the_office(world, time_machine) -> None:
    time_machine.move_to(at("2026-09-01"), tick=False)
    petition = make_petition(area=world.area, office=world.office, received=D("2026-09-01"))
    deadline_open(petition=petition, code="transfer", start=D("2026-09-01"))
    deadlines_sweep(now=at("2026-09-30"))
    assert Message.objects.get().unit_id == world.office.pk


def test_review_decision_warning_goes_to_the_reviewer(world, time_machine) -> None:
    time_machine.move_to(at("2026-09-01"), tick=False)
    petition = make_petition(
        area=world.area, office=world.office, current=world.handler, review=world.reviewer, received=D("2026-09-01")
    )
    deadline_open(petition=petition, code="review_decision", start=D("2026-09-01"))
    deadlines_sweep(now=at("2026-09-29"))
    assert Message.objects.get().unit_id == world.reviewer.pk


def test_sweep_clears_a_stale_case_state(case) -> None:
    Deadline.objects.filter(code="notify_acceptance").update(status="met")
    assert Petition.objects.get(pk=case.pk).deadline_state == "normal"
    deadlines_sweep(now=at("2026-09-05"))
    assert Petition.objects.get(pk=case.pk).deadline_state == ""


def test_quiet_sweep_reads_once_and_writes_nothing(world, time_machine, django_assert_max_num_queries) -> None:
    time_machine.move_to(at("2026-09-01"), tick=False)
    for _ in range(5):
        petition = make_petition(area=world.area, office=world.office, current=world.handler, received=D("2026-09-01"))
        deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    deadlines_sweep()
    with django_assert_max_num_queries(3):
        stats = deadlines_sweep()
    assert stats["checked"] == 5 and stats["changed"] == 0 and stats["petitions"] == 0
