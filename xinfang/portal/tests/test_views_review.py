from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from xinfang.petitions import services
from xinfang.petitions.models import Event
from xinfang.petitions.tests.factories import advance
from xinfang.petitions.workflow import Status

from .conftest import unlock


def request_review(client, petition, reason="处理意见认定事实不清，请求复查。"):
    return client.post(reverse("portal:case-review", args=[petition.number]), {"reason": reason})


def request_recheck(client, petition, reason="复查意见仍不公正，请求复核。"):
    return client.post(reverse("portal:case-recheck", args=[petition.number]), {"reason": reason})


def test_review_within_the_window_goes_to_reviewing(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    unlock(client, registered_case)
    response = request_review(client, p)
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.REVIEWING
    assert p.review_level == 1
    assert p.review_unit == personas.org.county_gov
    assert Event.objects.filter(petition=p, action="request_review", public=True).exists()


def test_review_after_rating_is_still_possible(client, personas, registered_case):
    p = advance(registered_case.petition, "closed", personas=personas)
    unlock(client, registered_case)
    assert request_review(client, p).status_code == 302
    p.refresh_from_db()
    assert p.status == Status.REVIEWING


def test_review_twice_gives_the_message(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    unlock(client, registered_case)
    assert request_review(client, p).status_code == 302
    second = request_review(client, p)
    assert second.status_code == 400
    assert "该信访事项当前不能申请复查" in second.content.decode()
    assert Event.objects.filter(petition=p, action="request_review").count() == 1


def test_review_without_reason(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    unlock(client, registered_case)
    response = request_review(client, p, reason="  ")
    assert response.status_code == 400
    assert "请写明请求复查的理由" in response.content.decode()
    p.refresh_from_db()
    assert p.status == Status.REPLIED


def test_review_after_the_window_is_refused(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    with time_machine.travel(timezone.now() + dt.timedelta(days=45)):
        unlock(client, registered_case)  # a fresh visit: the old session has expired by then
        html = client.get(reverse("portal:case", args=[p.number])).content.decode()
        assert 'id="review-form"' not in html
        response = request_review(client, p)
    assert response.status_code == 400
    assert "复查申请期限" in response.content.decode()
    p.refresh_from_db()
    assert p.status == Status.REPLIED


def test_recheck_after_the_review_reply(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    unlock(client, registered_case)
    request_review(client, p)
    services.petition_decide_review(actor=personas.reviewer, petition_id=p.pk, outcome="uphold", text="维持原意见。")
    response = request_recheck(client, p)
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.RECHECKING
    assert p.review_level == 2
    assert p.review_unit == personas.org.city_gov
    again = request_recheck(client, p)
    assert again.status_code == 400
    assert "该信访事项当前不能申请复核" in again.content.decode()


def test_recheck_before_review_is_refused(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    unlock(client, registered_case)
    response = request_recheck(client, p)
    assert response.status_code == 400
    assert "该信访事项当前不能申请复核" in response.content.decode()
