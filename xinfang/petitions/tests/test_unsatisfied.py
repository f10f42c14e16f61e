"""不满意 no longer closes a case: the office that dispatched it decides (回访/重办) from its own inbox,
on the staff pages, through the REST API; 满意 / 基本满意 still close it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.core.models import AuditEvent
from xinfang.core.timeutil import local_date
from xinfang.petitions import selectors, services
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Event
from xinfang.petitions.tests.factories import advance, register
from xinfang.petitions.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def unsatisfied(personas):
    p = advance(register(personas.clerk).petition, "replied", personas=personas)
    services.petition_rate(petition_id=p.pk, rating="unsatisfied", comment="井盖又坏了")
    p.refresh_from_db()
    return p


def test_unsatisfied_waits_for_the_office_and_tells_the_petitioner_what_happens(unsatisfied, personas):
    p = unsatisfied
    assert p.status == Status.REVISIT and p.closed_at is None and p.rating == "unsatisfied"
    event = Event.objects.get(petition=p, action="rate_unsatisfied")
    assert event.public and "重新办理" in event.public_text and "请求复查" in event.public_text
    assert [c.pk for c in selectors.petition_list(user=personas.dispatcher, inbox="to_revisit")] == [p.pk]
    assert not selectors.petition_list(user=personas.handler, inbox="to_revisit").exists()
    # The petitioner's 复查 window of the reply stays open meanwhile.
    assert Deadline.objects.filter(petition=p, code="review_request", status="open").exists()


def test_satisfied_still_closes(personas):
    p = advance(register(personas.clerk).petition, "replied", personas=personas)
    services.petition_rate(petition_id=p.pk, rating="satisfied")
    p.refresh_from_db()
    assert p.status == Status.CLOSED and p.closed_at is not None


def test_the_office_has_the_unit_handle_it_again_with_a_new_limit(client, unsatisfied, personas):
    p = unsatisfied
    client.force_login(personas.dispatcher)
    page = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert "不满意：责成承办单位重新办理" in page and "不满意：办结并告知复查权利" in page
    r = client.post(reverse("petitions:act", args=[p.pk, "rehandle"]), {"rehandle-reason": "请再次核实井盖"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.ACCEPTED and p.current_unit == personas.org.municipal
    handle = Deadline.objects.get(petition=p, code="handle", status="open")
    assert handle.start_date == local_date() and p.due_date == handle.due_date
    assert not Deadline.objects.filter(petition=p, code="review_request", status="open").exists()
    assert Event.objects.filter(petition=p, action="rehandle", public=True).exists()
    assert AuditEvent.objects.filter(action="petition.rehandle", target_id=str(p.pk)).exists()
    assert p.pk in [c.pk for c in selectors.petition_list(user=personas.handler, inbox="in_progress")]


def test_the_office_closes_it_telling_of_the_review_right(client, unsatisfied, personas):
    p = unsatisfied
    client.force_login(personas.dispatcher)
    r = client.post(
        reverse("petitions:act", args=[p.pk, "close_unsatisfied"]), {"close_unsatisfied-note": "回访解释，维持意见"}
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.CLOSED and p.closed_at is not None
    text = Event.objects.get(petition=p, action="close_unsatisfied").public_text
    assert "30日内向扶沟县委县政府请求复查" in text and "第三十五条" in text
    services.petition_request_review(petition_id=p.pk, reason="不服")  # the right is real
    p.refresh_from_db()
    assert p.status == Status.REVIEWING


def test_a_blank_reason_gets_a_message_and_changes_nothing(client, unsatisfied, personas):
    p = unsatisfied
    events = Event.objects.filter(petition=p).count()
    client.force_login(personas.dispatcher)
    r = client.post(reverse("petitions:act", args=[p.pk, "rehandle"]), {"rehandle-reason": "   "})
    assert r.status_code == 400
    p.refresh_from_db()
    assert p.status == Status.REVISIT and Event.objects.filter(petition=p).count() == events


def test_the_handling_unit_cannot_decide_for_the_office(client, unsatisfied, personas):
    p = unsatisfied
    events = Event.objects.filter(petition=p).count()
    client.force_login(personas.head)
    r = client.post(reverse("petitions:act", args=[p.pk, "rehandle"]), {"rehandle-reason": "自己重办"})
    assert r.status_code == 403
    p.refresh_from_db()
    assert p.status == Status.REVISIT and Event.objects.filter(petition=p).count() == events


def test_the_portal_rating_form_says_what_happens_next(client, personas):
    reg = register(personas.clerk)
    advance(reg.petition, "replied", personas=personas)
    client.post(reverse("portal:lookup"), {"number": reg.petition.number, "code": reg.query_code})
    page = client.get(reverse("portal:case", args=[reg.petition.number])).content.decode()
    assert "评价“不满意”的，本事项不办结" in page and "重新办理" in page and "请求复查" in page


def test_the_petitioner_sees_what_the_case_waits_for(client, personas):
    reg = register(personas.clerk)
    advance(reg.petition, "replied", personas=personas)
    services.petition_rate(petition_id=reg.petition.pk, rating="unsatisfied")
    client.post(reverse("portal:lookup"), {"number": reg.petition.number, "code": reg.query_code})
    page = client.get(reverse("portal:case", args=[reg.petition.number])).content.decode()
    assert "信访部门正在回访研判" in page


def test_the_petitioner_may_ask_for_review_while_the_office_decides(client, personas):
    reg = register(personas.clerk)
    advance(reg.petition, "replied", personas=personas)
    services.petition_rate(petition_id=reg.petition.pk, rating="unsatisfied")
    client.post(reverse("portal:lookup"), {"number": reg.petition.number, "code": reg.query_code})
    page = client.get(reverse("portal:case", args=[reg.petition.number])).content.decode()
    assert 'id="review_reason"' in page  # the 复查 request form is offered
