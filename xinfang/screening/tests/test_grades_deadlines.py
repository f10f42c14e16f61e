"""Grade and deadline rules: the grade sets the deadline and the leader's level; changes keep a history."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from xinfang.core.errors import InvalidTransition, ValidationFailed
from xinfang.core.models import AuditEvent
from xinfang.screening import services
from xinfang.screening.models import GradeChange, RiskGrade

pytestmark = pytest.mark.django_db


def test_default_scheme_has_four_colours_with_meanings():
    grades = list(RiskGrade.objects.values_list("name", "color", "deadline_days"))
    assert [g[0] for g in grades] == ["红色", "橙色", "黄色", "蓝色"]
    assert all(g[1].startswith("#") for g in grades)
    assert RiskGrade.objects.get(code="red").meaning


@time_machine.travel("2026-11-20 10:00 +0800")
def test_deadline_comes_from_the_grade_counted_from_the_day_after_found(scene):
    yellow = scene.dispute(grade="yellow")  # 30 calendar days from 2026-11-02
    assert yellow.due_date == dt.date(2026, 12, 2)
    assert "次日起算30日" in yellow.due_basis
    assert yellow.deadline_state == "normal"


@time_machine.travel("2026-11-20 10:00 +0800")
def test_working_day_grade_skips_weekends(scene):
    RiskGrade.objects.filter(code="blue").update(deadline_days=5, deadline_working=True)
    blue = scene.dispute(grade="blue", found_on=dt.date(2026, 11, 6))  # a Friday
    assert blue.due_date == dt.date(2026, 11, 13)
    assert blue.deadline_state == "overdue"


@time_machine.travel("2026-11-20 10:00 +0800")
def test_grade_change_recomputes_the_deadline_and_keeps_the_history(scene):
    d = scene.dispute(grade="yellow")
    services.dispute_change_grade(
        actor=scene.p.clerk, dispute_id=d.pk, grade=services.grade_get("red"), reason="涉及30余户，有聚集苗头"
    )
    d.refresh_from_db()
    assert d.grade.code == "red"
    assert d.due_date == dt.date(2027, 1, 1)  # 60 days from 2026-11-02
    change = GradeChange.objects.get(dispute=d)
    assert change.from_grade is not None
    assert (change.from_grade.code, change.to_grade.code, change.reason) == ("yellow", "red", "涉及30余户，有聚集苗头")
    assert change.due_before == dt.date(2026, 12, 2)
    assert d.events.filter(action="grade").count() == 1
    assert AuditEvent.objects.filter(action="dispute.grade", target_id=str(d.pk)).count() == 1


def test_grade_change_needs_a_reason_and_changes_nothing_without(scene):
    d = scene.dispute(grade="yellow")
    with pytest.raises(ValidationFailed, match="理由"):
        services.dispute_change_grade(actor=scene.p.clerk, dispute_id=d.pk, grade=services.grade_get("red"), reason=" ")
    d.refresh_from_db()
    assert d.grade.code == "yellow" and not GradeChange.objects.exists()


def test_red_dispute_needs_a_county_leader(scene):
    d = scene.dispute(grade="red")
    with pytest.raises(ValidationFailed, match="县区"):
        services.dispute_take_on(actor=scene.p.clerk, dispute_id=d.pk, leader=scene.town_leader)
    services.dispute_take_on(actor=scene.p.clerk, dispute_id=d.pk, leader=scene.p.leader)
    d.refresh_from_db()
    assert d.leader == scene.p.leader


def test_yellow_dispute_may_go_to_a_township_leader_who_takes_it_on_himself(scene):
    d = scene.dispute(grade="yellow")
    services.dispute_take_on(actor=scene.town_leader, dispute_id=d.pk)
    d.refresh_from_db()
    assert d.leader == scene.town_leader
    with pytest.raises(InvalidTransition, match="已由"):
        services.dispute_take_on(actor=scene.p.leader, dispute_id=d.pk)


def test_upgrade_flags_a_leader_below_the_new_level(scene):
    d = scene.dispute(grade="yellow")
    services.dispute_take_on(actor=scene.town_leader, dispute_id=d.pk)
    services.dispute_change_grade(
        actor=scene.p.clerk, dispute_id=d.pk, grade=services.grade_get("orange"), reason="升级"
    )
    assert "请调整包案" in d.events.get(action="grade").note


@time_machine.travel("2026-11-20 10:00 +0800")
def test_plan_step_overdue_like_the_deadline_engine(scene):
    from xinfang.screening.deadlines import step_state

    d = scene.dispute()
    late = services.plan_step_add(
        actor=scene.p.clerk, dispute_id=d.pk, description="组织双方现场勘界", due_date=dt.date(2026, 11, 15)
    )
    soon = services.plan_step_add(
        actor=scene.p.clerk, dispute_id=d.pk, description="召开调解会", due_date=dt.date(2026, 11, 21)
    )
    assert step_state(late, start=d.found_on) == "overdue"
    assert step_state(soon, start=d.found_on) == "soon"
    services.plan_step_done(actor=scene.p.clerk, step_id=late.pk, note="已勘界")
    late.refresh_from_db()
    assert step_state(late, start=d.found_on) == ""
    assert "（超期）" in d.events.get(action="step_done").note


def test_conclude_resolved_needs_the_partys_confirmation(scene):
    d = scene.dispute(parties=[{"name": "张三", "phone": "13800001111"}])
    with pytest.raises(ValidationFailed, match="确认"):
        services.dispute_conclude(actor=scene.p.clerk, dispute_id=d.pk, outcome="resolved", note="调解成功")
    services.dispute_conclude(actor=scene.p.clerk, dispute_id=d.pk, outcome="resolved", note="调解成功", confirmed=True)
    d.refresh_from_db()
    assert d.outcome == "resolved" and d.closed_at and d.confirmed is True and not d.is_open
    assert d.deadline_state == ""


def test_party_data_is_sealed_and_masked(scene):
    d = scene.dispute(parties=[{"name": "张三丰", "phone": "13800001111", "id_number": "11010519491231002X"}])
    party = d.parties.get()
    assert party.name_masked == "张**" and party.phone_masked == "138****1111"
    assert "张三丰" not in party.name_enc and "13800001111" not in party.phone_enc
    from xinfang.screening.parties import party_unseal

    assert party_unseal(party)["id_number"] == "11010519491231002X"


def test_bad_input_reports_everything_and_writes_nothing(scene):
    from xinfang.screening.models import Dispute

    with pytest.raises(ValidationFailed) as exc:
        scene.dispute(summary="", dispute_type="nope", parties=[{"name": "李四", "phone": "123"}])
    assert {"summary", "dispute_type", "party1_phone"} <= set(exc.value.errors)
    assert not Dispute.objects.exists()


def test_sweep_command_moves_states_as_days_pass(scene):
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel("2026-11-20 10:00 +0800"):
        d = scene.dispute(grade="yellow")  # due 2026-12-02
    assert d.deadline_state == "normal"
    with time_machine.travel("2026-12-05 10:00 +0800"):
        out = StringIO()
        call_command("screening_sweep", stdout=out)
    d.refresh_from_db()
    assert d.deadline_state == "overdue" and "1 件" in out.getvalue()
