"""The interface the petitions workflow calls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from xinfang.core.errors import ValidationFailed
from xinfang.core.testing.nothing_written import writes_nothing
from xinfang.deadlines.models import TimeLimitRule
from xinfang.petitions.deadlines.facts import case_facts
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.deadlines.schedule import (
    deadline_attach,
    deadline_cancel_all,
    deadline_close,
    deadline_draft,
    deadline_extend,
    deadline_get_open,
    deadline_open,
    deadline_opened,
    deadline_pause,
    deadline_refresh_petition,
    deadline_resume,
    deadline_window_open,
    petition_deadlines,
)
from xinfang.petitions.models import Petition

from .conftest import at
from .factories import make_petition

D = dt.date.fromisoformat

pytestmark = pytest.mark.django_db


def test_open_computes_due_stores_rule_and_refreshes_petition(petition) -> None:
    deadline = deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    assert deadline.due_date == D("2026-10-31")
    assert deadline.base_due_date == D("2026-10-31")
    assert deadline.rule == TimeLimitRule.objects.get(code="handle", area_code="")
    assert deadline.party == "organ"
    assert deadline.status == "open" and deadline.state == "normal"
    assert deadline.basis.startswith("自2026年9月1日次日起算60日，《信访工作条例》第三十四条")
    assert (petition.due_date, petition.deadline_state) == (D("2026-10-31"), "normal")
    stored = Petition.objects.get(pk=petition.pk)
    assert (stored.due_date, stored.deadline_state) == (D("2026-10-31"), "normal")


def test_a_drafted_deadline_opens_as_computed(petition) -> None:
    # Registration computes the first limit before the case has its number (deadline_draft) and writes it after.
    draft = deadline_draft(petition=petition, code="handle", start=D("2026-09-01"))
    assert draft.pk is None and draft.due_date == D("2026-10-31") and draft.state == "normal"
    assert not Deadline.objects.filter(petition=petition).exists()
    deadline_attach(draft, petition)
    draft.save(force_insert=True)
    deadline_opened(draft, petition, new_case=True)
    stored = Deadline.objects.get(petition=petition, code="handle", status="open")
    assert stored.pk == draft.pk and stored.due_date == D("2026-10-31") and stored.basis == draft.basis
    assert {name: getattr(stored, name) for name in case_facts(petition)} == case_facts(petition)
    assert not stored.shares_code
    petition.refresh_from_db()
    assert petition.due_date == D("2026-10-31")


def test_reopen_cancels_previous(petition) -> None:
    first = deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    second = deadline_open(petition=petition, code="handle", start=D("2026-09-05"))
    first.refresh_from_db()
    assert first.status == "cancelled" and first.closed_at is not None
    assert deadline_get_open(petition=petition, code="handle") == second


def test_at_most_one_open_deadline_per_code(petition) -> None:
    deadline = deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(
            petition=petition,
            code="handle",
            rule=deadline.rule,
            start_date=D("2026-09-01"),
            base_due_date=D("2026-10-31"),
            due_date=D("2026-10-31"),
        )


def test_due_override_replaces_date_and_basis_says_so(petition) -> None:
    deadline = deadline_open(
        petition=petition, code="handle", start=D("2026-09-01"), due_override=D("2026-09-20"), note="县信访局交办"
    )
    assert deadline.due_date == D("2026-09-20")
    assert deadline.base_due_date == D("2026-10-31")
    assert "交办期限由交办机关指定为2026年9月20日（县信访局交办）" in deadline.basis
    assert petition.due_date == D("2026-09-20")


def test_case_keeps_rule_version_of_its_received_date(world, time_machine) -> None:
    time_machine.move_to(at("2027-02-01"), tick=False)
    TimeLimitRule.objects.filter(code="handle", area_code="").update(effective_to=D("2026-12-31"))
    TimeLimitRule.objects.create(code="handle", name="办理", days=45, effective_from=D("2027-01-01"))
    old = make_petition(area=world.area, office=world.office, received=D("2026-12-20"))
    new = make_petition(area=world.area, office=world.office, received=D("2027-01-20"))
    assert deadline_open(petition=old, code="handle", start=D("2027-02-01")).rule.days == 60
    assert deadline_open(petition=new, code="handle", start=D("2027-02-01")).rule.days == 45


def test_earliest_open_organ_deadline_drives_the_case(petition) -> None:
    deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    deadline_open(petition=petition, code="notify_acceptance", start=D("2026-09-01"))
    deadline_open(petition=petition, code="review_request", start=D("2026-08-01"))  # petitioner: ignored
    assert petition.due_date == D("2026-09-16")
    deadline_close(petition=petition, code="notify_acceptance")
    assert petition.due_date == D("2026-10-31")
    assert Petition.objects.get(pk=petition.pk).due_date == D("2026-10-31")


def test_petitioner_window_never_makes_a_case_overdue(petition, time_machine) -> None:
    deadline_open(petition=petition, code="review_request", start=D("2026-07-01"))
    assert (petition.due_date, petition.deadline_state) == (None, "")
    view = petition_deadlines(petition=petition)[0]
    assert view.state == "expired" and view.state_label == "已届满"


def test_close_met_or_late(petition, time_machine) -> None:
    deadline_open(petition=petition, code="notify_acceptance", start=D("2026-09-01"))
    met = deadline_close(petition=petition, code="notify_acceptance", at=at("2026-09-16", 20))
    assert met is not None
    assert met.status == "met"
    deadline_open(petition=petition, code="notify_acceptance", start=D("2026-09-01"))
    time_machine.move_to(at("2026-09-17"), tick=False)
    late = deadline_close(petition=petition, code="notify_acceptance")
    assert late is not None
    assert late.status == "late"
    assert deadline_close(petition=petition, code="notify_acceptance") is None
    assert (petition.due_date, petition.deadline_state) == (None, "")


def test_cancel_all_or_only_organ(petition) -> None:
    deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    deadline_open(petition=petition, code="review_request", start=D("2026-09-01"))
    assert deadline_cancel_all(petition=petition, party="organ") == 1
    assert deadline_get_open(petition=petition, code="review_request") is not None
    assert deadline_cancel_all(petition=petition) == 1
    assert not Deadline.objects.filter(petition=petition, status="open").exists()


def test_window_open(petition) -> None:
    assert not deadline_window_open(petition=petition, code="review_request")
    deadline_open(petition=petition, code="review_request", start=D("2026-09-03"))  # due 2026-10-08 (rolled)
    assert deadline_window_open(petition=petition, code="review_request", on=D("2026-10-08"))
    assert not deadline_window_open(petition=petition, code="review_request", on=D("2026-10-09"))
    assert deadline_window_open(petition=petition, code="review_request")


def test_extend_adds_to_current_due_and_is_capped(petition) -> None:
    deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    for bad in (0, 31):
        with writes_nothing(petition), pytest.raises(ValidationFailed) as exc:
            deadline_extend(petition=petition, days=bad)
        assert exc.value.field == "days"
    extended = deadline_extend(petition=petition, days=20)
    assert extended.due_date == D("2026-11-20")
    assert extended.extension_days == 20
    assert "经批准延长20日" in extended.basis
    assert petition.due_date == D("2026-11-20")
    with writes_nothing(petition), pytest.raises(ValidationFailed, match="累计不得超过30日"):
        deadline_extend(petition=petition, days=11)
    assert deadline_extend(petition=petition, days=10).due_date == D("2026-11-30")


def test_extend_without_open_deadline_fails(petition) -> None:
    with writes_nothing(petition), pytest.raises(ValidationFailed):
        deadline_extend(petition=petition, days=10)


def test_extend_uses_provincial_rule_when_enabled(petition) -> None:
    TimeLimitRule.objects.filter(area_code="41").update(active=True)
    deadline = deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    assert deadline.due_date == D("2026-10-01")  # 河南 30 days
    assert deadline_extend(petition=petition, days=60).due_date == D("2026-11-30")  # 90 in total


def test_pause_and_resume_add_paused_days(petition, time_machine) -> None:
    deadline_open(petition=petition, code="recheck_decision", start=D("2026-09-01"))  # due 10-01
    deadline_pause(petition=petition, code="recheck_decision", on=D("2026-09-10"))
    with writes_nothing(petition), pytest.raises(ValidationFailed):
        deadline_pause(petition=petition, code="recheck_decision")
    time_machine.move_to(at("2026-09-20"), tick=False)
    view = petition_deadlines(petition=petition)[0]
    assert view.paused and view.due_date == D("2026-10-11")  # the clock stood still for 10 days
    resumed = deadline_resume(petition=petition, code="recheck_decision", on=D("2026-09-15"))
    assert resumed.paused_days == 5
    assert resumed.due_date == D("2026-10-06")
    assert resumed.pause_started is None
    assert "听证等不计入期限的时间5日" in resumed.basis
    with writes_nothing(petition), pytest.raises(ValidationFailed):
        deadline_resume(petition=petition, code="recheck_decision")


def test_refresh_sets_instance_and_row(petition, time_machine) -> None:
    deadline_open(petition=petition, code="notify_acceptance", start=D("2026-09-01"))  # due 09-16
    time_machine.move_to(at("2026-09-14"), tick=False)
    deadline_refresh_petition(petition=petition)
    assert petition.deadline_state == "soon"
    assert Petition.objects.get(pk=petition.pk).deadline_state == "soon"
    time_machine.move_to(at("2026-09-17"), tick=False)
    deadline_refresh_petition(petition=petition)
    assert Petition.objects.get(pk=petition.pk).deadline_state == "overdue"


def test_petition_deadlines_view(petition, time_machine) -> None:
    deadline_open(petition=petition, code="notify_acceptance", start=D("2026-09-01"))
    deadline_close(petition=petition, code="notify_acceptance")
    deadline_open(petition=petition, code="handle", start=D("2026-09-01"))
    time_machine.move_to(at("2026-11-02"), tick=False)
    views = petition_deadlines(petition=petition)
    assert [v.code for v in views] == ["handle", "notify_acceptance"]
    handle, notice = views
    assert (handle.name, handle.days_left, handle.state, handle.state_label) == ("办理", -2, "overdue", "已超期")
    assert handle.basis and handle.party == "organ" and handle.status == "open" and not handle.estimated
    assert (notice.state, notice.state_label) == ("met", "已完成")
