"""The bulk writer makes cases indistinguishable from those the services make."""

from __future__ import annotations

import pytest
from django.utils import timezone

from xinfang.core.models import AuditEvent
from xinfang.core.timeutil import local_date
from xinfang.petitions import bulk, services
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.deadlines.schedule import deadline_refresh_petition
from xinfang.petitions.models import Category, Channel, NumberSequence, Petition
from xinfang.petitions.tests.factories import VALID_ID, advance, register

pytestmark = pytest.mark.django_db

PERSON = {"name": "王大爷", "id_number": VALID_ID, "phone": "13812345678", "address": "扶沟县建设街"}


def plan_like_factory(personas, *, steps=(), **extra):
    org = personas.org
    now = timezone.now()
    data = dict(
        office=org.county_office,
        channel=Channel.CALL,
        received_at=now,
        area=org.fugou,
        title="建设街窨井盖破损",
        content="建设街与棉麻一场交叉口的窨井盖破损，老人小孩夜间经过很危险，请尽快修复。",
        petitioner=dict(PERSON),
        category=Category.objects.get(code="602015"),
        registered_at=now,
        registrar_name="登记员小李",
    )
    data.update(extra)
    return bulk.PetitionPlan(steps=[bulk.Step(at=now, **s) for s in steps], **data)


REPLY = {"outcome": "support", "facts": "属实", "reasons": "理由", "basis": "依据", "text": "已修复"}


def bulk_replied(personas, *after, reply=REPLY) -> Petition:
    """A case written through the bulk path: transferred to the 市政所, accepted, answered with `reply`, then
    the steps `after`; the case as written."""
    steps = [
        {"action": "dispatch", "unit": personas.org.municipal, "mode": "transfer"},
        {"action": "accept"},
        {"action": "submit_reply", **reply},
        {"action": "approve_reply"},
        *after,
    ]
    result = bulk.bulk_write([plan_like_factory(personas, steps=steps)])
    return Petition.objects.get(pk=result.ids[0])


def deadline_rows(p: Petition):
    return sorted(
        (d.code, d.status, d.party, d.start_date, d.base_due_date, d.due_date, d.basis, d.state, d.shares_code)
        for d in Deadline.objects.filter(petition=p)
    )


def event_rows(p: Petition):
    return [(e.action, e.from_status, e.to_status, e.public) for e in p.events.order_by("at", "id")]


def test_bulk_case_matches_service_case(personas):
    by_service = advance(register(personas.clerk).petition, "accepted", personas=personas)
    result = bulk.bulk_write(
        [
            plan_like_factory(
                personas,
                steps=[
                    {
                        "action": "dispatch",
                        "unit": personas.org.municipal,
                        "mode": "transfer",
                        "actor_name": "分办员老张",
                    },
                    {"action": "accept", "actor_name": "市政所小王"},
                ],
            )
        ]
    )
    by_bulk = Petition.objects.get(pk=result.ids[0])
    assert deadline_rows(by_bulk) == deadline_rows(by_service)
    assert event_rows(by_bulk) == event_rows(by_service)
    for field in (
        "status",
        "area_path",
        "office_path",
        "current_path",
        "current_unit_id",
        "dispatch_mode",
        "due_date",
        "deadline_state",
        "id_number_hash",
        "phone_hash",
        "id_number_masked",
        "phone_masked",
    ):
        assert getattr(by_bulk, field) == getattr(by_service, field), field
    assert services.petition_unmask(actor=personas.handler, petition=by_bulk, reason="核实")["id_number"] == VALID_ID


def test_numbers_come_from_the_shared_sequence(personas):
    first = register(personas.clerk).petition
    result = bulk.bulk_write([plan_like_factory(personas) for _ in range(3)])
    after = register(personas.clerk).petition
    year = local_date().year
    assert result.first == f"411621-{year}-000002" and result.last == f"411621-{year}-000004"
    assert first.number.endswith("000001") and after.number.endswith("000005")
    assert NumberSequence.objects.get(scope="411621", year=year).last == 5


def test_one_audit_record_per_batch(personas):
    before = AuditEvent.objects.filter(action="petition.bulk_import").count()
    result = bulk.bulk_write([plan_like_factory(personas) for _ in range(4)], source="test")
    audits = AuditEvent.objects.filter(action="petition.bulk_import")
    assert audits.count() == before + 1
    audit = audits.last()
    assert audit is not None
    seal = audit.data.pop("seal")
    assert audit.data == {"count": 4, "first": result.first, "last": result.last, "source": "test"}
    assert sorted(seal["events"]) == sorted(str(pk) for pk in result.ids)  # the batch's timeline, sealed


def test_query_code_works_on_the_portal_lookup(personas):
    result = bulk.bulk_write([plan_like_factory(personas, query_code="ABCDEFGHJKLMNPQR")])
    number, code = result.codes[0]
    found = services.petition_find_by_query_code(number=number, code=code)
    assert found is not None
    assert found.pk == result.ids[0]


def test_closed_case_has_no_open_organ_deadline_and_refresh_agrees(personas):
    result = bulk.bulk_write(
        [
            plan_like_factory(
                personas,
                steps=[
                    {"action": "dispatch", "unit": personas.org.municipal},
                    {"action": "accept"},
                    {
                        "action": "submit_reply",
                        "outcome": "support",
                        "facts": "属实",
                        "reasons": "理由",
                        "basis": "依据",
                        "text": "已修复",
                    },
                    {"action": "approve_reply"},
                    {"action": "rate", "rating": "satisfied"},
                ],
            )
        ]
    )
    p = Petition.objects.get(pk=result.ids[0])
    assert p.status == "closed" and p.due_date is None and p.deadline_state == ""
    assert not Deadline.objects.filter(petition=p, status="open", party="organ").exists()
    assert Deadline.objects.filter(petition=p, code="review_request", status="open").exists()
    deadline_refresh_petition(petition=p)
    assert (p.due_date, p.deadline_state) == (None, "")


def test_an_impossible_step_writes_nothing(personas):
    from xinfang.core.errors import InvalidTransition

    count = Petition.objects.count()
    with pytest.raises(InvalidTransition):
        bulk.bulk_write([plan_like_factory(personas), plan_like_factory(personas, steps=[{"action": "accept"}])])
    assert Petition.objects.count() == count


def test_bulk_and_services_tell_the_same_story_through_review(personas):
    """One story, written once through the services and once through the bulk path: the same events
    with the same public texts, the same deadlines and the same state (both go through steps.effect)."""
    p = advance(register(personas.clerk).petition, "replied", personas=personas)
    services.petition_rate(petition_id=p.pk, rating="basic", comment="还可以")
    services.petition_request_review(petition_id=p.pk, reason="对处理意见不服")
    p.refresh_from_db()
    reply = {
        "outcome": "support",
        "facts": "经查属实",
        "reasons": "井盖破损影响通行安全",
        "basis": "《城市道路管理条例》",
        "text": "已于当日更换井盖。",
    }
    by_bulk = bulk_replied(
        personas,
        {"action": "rate", "rating": "basic", "note": "还可以"},
        {"action": "request_review", "reason": "对处理意见不服"},
        reply=reply,
    )
    assert by_bulk.status == p.status == "reviewing"
    assert by_bulk.review_unit_id == p.review_unit_id and by_bulk.review_level == p.review_level == 1
    assert deadline_rows(by_bulk) == deadline_rows(p)
    assert event_rows(by_bulk) == event_rows(p)

    def texts(case: Petition) -> list[tuple[str, str, str]]:
        return [(e.action, e.note, e.public_text) for e in case.events.order_by("at", "id") if e.action != "register"]

    assert texts(by_bulk) == texts(p)
    approve = by_bulk.events.get(action="approve_reply").public_text
    assert "处理意见书" in approve and "已于当日更换井盖。" in approve and "请求复查" in approve


def test_an_unsatisfied_rating_in_bulk_goes_to_the_office_like_the_service(personas):
    """不满意 never closes a case: written through the bulk path (import, generator) it goes to 不满意待研判
    exactly as the portal's rating does, with the same events and deadlines."""
    p = advance(register(personas.clerk).petition, "replied", personas=personas)
    services.petition_rate(petition_id=p.pk, rating="unsatisfied", comment="井盖又坏了")
    p.refresh_from_db()
    by_bulk = bulk_replied(personas, {"action": "rate", "rating": "unsatisfied", "note": "井盖又坏了"})
    assert by_bulk.status == p.status == "revisit"
    assert by_bulk.closed_at is None and by_bulk.rating == "unsatisfied"
    assert event_rows(by_bulk)[-1] == ("rate_unsatisfied", "replied", "revisit", True)
    assert event_rows(by_bulk)[-1] == event_rows(p)[-1]
    assert deadline_rows(by_bulk) == deadline_rows(p)


def test_a_rehandled_case_in_bulk_has_the_services_shared_code_flags(personas):
    """责成重新办理 opens a second 办理 limit: written through the bulk path (import, generator) the case's two
    `handle` limits are marked `shares_code` exactly as deadline_open marks them, and no other limit is."""
    p = advance(register(personas.clerk).petition, "replied", personas=personas)
    services.petition_rate(petition_id=p.pk, rating="unsatisfied", comment="井盖又坏了")
    services.petition_rehandle(actor=personas.dispatcher, petition_id=p.pk, reason="请再次核实井盖")
    p.refresh_from_db()
    by_bulk = bulk_replied(
        personas,
        {"action": "rate", "rating": "unsatisfied", "note": "井盖又坏了"},
        {"action": "rehandle", "reason": "请再次核实井盖"},
    )
    assert by_bulk.status == p.status == "accepted"
    assert deadline_rows(by_bulk) == deadline_rows(p)
    shared = sorted((d.code, d.status) for d in Deadline.objects.filter(petition=by_bulk, shares_code=True))
    assert shared == [("handle", "met"), ("handle", "open")]
