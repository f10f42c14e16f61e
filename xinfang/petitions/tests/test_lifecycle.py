"""The whole lifecycle through the services, as the seed story: call → dispatch → accept → reply → rate."""

from __future__ import annotations

import pytest

from xinfang.core.audit_check import audit_verify
from xinfang.core.errors import DeadlinePassed, InvalidTransition, NotPermitted, ValidationFailed
from xinfang.core.testing.nothing_written import writes_nothing
from xinfang.petitions import services
from xinfang.petitions.models import Event, Petition
from xinfang.petitions.tests.factories import VALID_ID, advance, register
from xinfang.petitions.workflow import Status

pytestmark = pytest.mark.django_db


def test_register_gives_number_code_and_transfer_deadline(personas):
    reg = register(personas.clerk)
    p = reg.petition
    assert p.status == Status.REGISTERED
    assert p.number.startswith("411621-")
    assert len(reg.query_code) == 16
    assert p.query_code_hash and reg.query_code not in p.query_code_hash
    assert p.due_date is not None and p.deadline_state == "normal"
    assert p.events.filter(action="register", public=True).exists()
    assert services.petition_find_by_query_code(number=p.number, code=reg.query_code) == p
    assert services.petition_find_by_query_code(number=p.number, code="WRONG") is None


def test_personal_data_is_sealed_and_masked(personas):
    p = register(personas.clerk).petition
    row = Petition.objects.values().get(pk=p.pk)
    flat = " ".join(str(v) for v in row.values())
    assert VALID_ID not in flat and "13812345678" not in flat
    assert p.id_number_masked == "1101**********002X"
    assert p.phone_masked == "138****5678"


def test_full_lifecycle_to_closed(personas):
    p = register(personas.clerk).petition
    p = advance(p, "closed", personas=personas)
    assert p.status == Status.CLOSED
    assert p.rating == "satisfied"
    actions = list(p.events.values_list("action", flat=True))
    assert actions == ["register", "dispatch", "accept", "submit_reply", "approve_reply", "rate"]
    ok, count, _, _ = audit_verify()
    assert ok and count >= 6


def test_group_visit_marked_at_threshold(personas):
    reps = [{"name": f"代表{i}"} for i in range(5)]
    p = register(personas.clerk, channel="visit", headcount=6, representatives=reps).petition
    assert p.is_group and p.representatives.count() == 5
    p2 = register(personas.clerk, channel="visit", headcount=4).petition
    assert not p2.is_group


def test_more_than_five_representatives_refused(personas):
    reps = [{"name": f"代表{i}"} for i in range(6)]
    with writes_nothing(), pytest.raises(ValidationFailed, match="不超过5人"):
        register(personas.clerk, channel="visit", headcount=30, representatives=reps)
    assert Petition.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "110105194912310021", "校验位"),
        ("phone", "12345678901", "手机号码格式"),
    ],
)
def test_bad_petitioner_data_refused(personas, field, value, message):
    petitioner = {"name": "张三", field: value}
    with writes_nothing(), pytest.raises(ValidationFailed, match=message):
        register(personas.clerk, petitioner=petitioner)
    assert Petition.objects.count() == 0


def test_empty_content_refused(personas):
    with writes_nothing(), pytest.raises(ValidationFailed, match="主要诉求"):
        register(personas.clerk, content="   ")


def test_minimal_letter_is_registered(personas):
    """Every letter is registered: an anonymous letter with only content."""
    p = register(personas.clerk, channel="letter", petitioner={}, title="", category=None).petition
    assert p.title and p.petitioner_name == ""


def test_only_office_staff_register(personas):
    with writes_nothing(), pytest.raises(NotPermitted):
        register(personas.handler)


def test_objection_returns_to_dispatcher(personas):
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    services.petition_object(actor=personas.handler, petition_id=p.pk, reason="井盖属于住建局管理")
    p.refresh_from_db()
    assert p.status == Status.REGISTERED and p.current_unit is None
    last = p.events.last()
    assert last is not None
    assert last.action == "object"


def test_objection_after_five_working_days_refused(personas, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    time_machine.move_to(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC))
    with writes_nothing(p), pytest.raises(DeadlinePassed):
        services.petition_object(actor=personas.handler, petition_id=p.pk, reason="不归我们管")
    p.refresh_from_db()
    assert p.status == Status.DISPATCHED


def test_extension_requested_and_approved_moves_due_date(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    due = p.due_date
    services.petition_request_extension(actor=personas.handler, petition_id=p.pk, days=30, reason="需要协调多部门")
    with writes_nothing(p), pytest.raises(NotPermitted):
        services.petition_decide_extension(actor=personas.handler, petition_id=p.pk, approve=True)
    services.petition_decide_extension(actor=personas.head, petition_id=p.pk, approve=True)
    p.refresh_from_db()
    assert p.status == Status.ACCEPTED
    assert p.due_date is not None and due is not None
    assert (p.due_date - due).days == 30
    assert p.events.filter(action="approve_extension", public=True).exists()
    with writes_nothing(p), pytest.raises(ValidationFailed, match="一次"):
        services.petition_request_extension(actor=personas.handler, petition_id=p.pk, days=5, reason="再延")


def test_extension_over_30_days_refused(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    with writes_nothing(p), pytest.raises(ValidationFailed, match="1至30日"):
        services.petition_request_extension(actor=personas.handler, petition_id=p.pk, days=31, reason="太忙")


def test_reply_returned_by_head(personas):
    p = advance(register(personas.clerk).petition, "reply_pending", personas=personas)
    with writes_nothing(p), pytest.raises(ValidationFailed):
        services.petition_decide_reply(actor=personas.head, petition_id=p.pk, approve=False, note="")
    services.petition_decide_reply(actor=personas.head, petition_id=p.pk, approve=False, note="事实部分不完整")
    p.refresh_from_db()
    assert p.status == Status.ACCEPTED


def test_assign_requires_completion_report(personas):
    p = register(personas.clerk).petition
    services.petition_dispatch(actor=personas.dispatcher, petition_id=p.pk, unit=personas.org.municipal, mode="assign")
    services.petition_accept(actor=personas.handler, petition_id=p.pk)
    with writes_nothing(p), pytest.raises(ValidationFailed, match="办结报告"):
        services.petition_submit_reply(
            actor=personas.handler, petition_id=p.pk, outcome="support", facts="f", reasons="r", basis="b", opinion="o"
        )


def test_reject_with_legal_route(personas):
    p = register(personas.clerk).petition
    services.petition_reject(
        actor=personas.dispatcher, petition_id=p.pk, reason="属于劳动争议", legal_route="arbitration"
    )
    p.refresh_from_db()
    assert p.status == Status.NOT_ACCEPTED
    last = p.events.last()
    assert last is not None
    assert "仲裁" in last.public_text
    assert p.deadline_state == ""


def test_review_then_recheck_then_final(personas):
    p = advance(register(personas.clerk).petition, "closed", personas=personas)
    services.petition_request_review(petition_id=p.pk, reason="井盖又坏了")
    p.refresh_from_db()
    assert p.status == Status.REVIEWING and p.review_unit == personas.org.county_gov
    services.petition_decide_review(actor=personas.reviewer, petition_id=p.pk, outcome="uphold", text="维持")
    services.petition_request_recheck(petition_id=p.pk, reason="仍不满意")
    p.refresh_from_db()
    assert p.status == Status.RECHECKING and p.review_unit == personas.org.city_gov
    services.petition_hearing(actor=personas.city_reviewer, petition_id=p.pk, start=True)
    with writes_nothing(p), pytest.raises(InvalidTransition):
        services.petition_decide_recheck(actor=personas.city_reviewer, petition_id=p.pk, outcome="uphold", text="x")
    services.petition_hearing(actor=personas.city_reviewer, petition_id=p.pk, start=False)
    services.petition_decide_recheck(actor=personas.city_reviewer, petition_id=p.pk, outcome="uphold", text="维持")
    p.refresh_from_db()
    assert p.status == Status.FINAL
    with writes_nothing(p), pytest.raises(InvalidTransition):
        services.petition_request_review(petition_id=p.pk, reason="again")


def test_transition_from_closed_case_refused(personas):
    p = advance(register(personas.clerk).petition, "closed", personas=personas)
    before = Event.objects.filter(petition=p).count()
    with writes_nothing(p), pytest.raises(InvalidTransition, match="已办结"):
        services.petition_accept(actor=personas.handler, petition_id=p.pk)
    assert Event.objects.filter(petition=p).count() == before


def test_accusation_not_dispatched_to_accused_unit(personas):
    p = register(personas.clerk, purpose="601004", accused_unit=personas.org.housing, accused_person="某局长").petition
    with writes_nothing(p), pytest.raises(ValidationFailed, match="被检举单位"):
        services.petition_dispatch(
            actor=personas.dispatcher, petition_id=p.pk, unit=personas.org.housing, mode="transfer"
        )
    services.petition_dispatch(
        actor=personas.dispatcher, petition_id=p.pk, unit=personas.org.discipline, mode="transfer"
    )


def test_unmask_needs_reason_and_is_audited(personas):
    from xinfang.core.models import AuditEvent

    p = register(personas.clerk).petition
    with writes_nothing(p), pytest.raises(ValidationFailed):
        services.petition_unmask(actor=personas.dispatcher, petition=p, reason="")
    full = services.petition_unmask(actor=personas.dispatcher, petition=p, reason="电话回访")
    assert full == {"id_number": VALID_ID, "phone": "13812345678", "name": "王大爷", "address": "扶沟县建设街"}
    assert AuditEvent.objects.filter(action="pii.unmask", target_id=str(p.pk)).count() == 1
    with writes_nothing(p), pytest.raises(NotPermitted):
        services.petition_unmask(actor=personas.outsider, petition=p, reason="好奇")


def test_online_submission_waits_for_registration(personas):
    reg = services.petition_submit_online(
        petitioner={"name": "李四", "phone": "13900001111"},
        area=personas.org.chengguan,
        content="小区路灯坏了一个月",
        title="路灯不亮",
    )
    p = reg.petition
    assert p.status == Status.SUBMITTED and p.office_unit == personas.org.county_office
    services.petition_register_submitted(actor=personas.clerk, petition_id=p.pk)
    p.refresh_from_db()
    assert p.status == Status.REGISTERED and p.registered_by == personas.clerk


def test_recheck_still_possible_after_office_closes_reviewed_case(personas):
    p = advance(register(personas.clerk).petition, "replied", personas=personas)
    services.petition_request_review(petition_id=p.pk, reason="不服")
    services.petition_decide_review(actor=personas.reviewer, petition_id=p.pk, outcome="uphold", text="维持")
    services.petition_close(actor=personas.dispatcher, petition_id=p.pk)
    services.petition_request_recheck(petition_id=p.pk, reason="仍不服")
    p.refresh_from_db()
    assert p.status == Status.RECHECKING and p.review_unit == personas.org.city_gov


def test_leader_takes_on_case_and_sees_it(personas):
    from xinfang.accounts.models import Role
    from xinfang.accounts.tests.factories import make_user
    from xinfang.petitions.access import petitions_visible_to

    city_leader = make_user("city_leader", personas.org.taikang_gov, Role.LEADER)
    p = register(personas.clerk).petition
    assert not petitions_visible_to(city_leader).filter(pk=p.pk).exists()
    services.petition_take_on(actor=personas.leader, petition_id=p.pk, note="亲自包案")
    p.refresh_from_db()
    assert p.leader == personas.leader
    with writes_nothing(p), pytest.raises(InvalidTransition, match="已由"):
        services.petition_take_on(actor=personas.leader, petition_id=p.pk)
