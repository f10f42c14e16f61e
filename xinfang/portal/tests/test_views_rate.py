from __future__ import annotations

from django.urls import reverse

from xinfang.petitions.models import Event, Rating
from xinfang.petitions.tests.factories import advance
from xinfang.petitions.workflow import Status

from .conftest import unlock


def rate(client, petition, rating="satisfied", comment=""):
    return client.post(reverse("portal:case-rate", args=[petition.number]), {"rating": rating, "comment": comment})


def test_rating_a_replied_case_closes_it(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    unlock(client, registered_case)
    response = rate(client, p, "basic", "基本解决")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:case", args=[p.number])
    p.refresh_from_db()
    assert p.status == Status.CLOSED
    assert p.rating == Rating.BASIC and p.rating_comment == "基本解决"
    assert Event.objects.filter(petition=p, action="rate", public=True).exists()
    assert "感谢您的评价" in client.get(response["Location"]).content.decode()


def test_rating_twice_gives_the_message_and_changes_nothing(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    unlock(client, registered_case)
    assert rate(client, p, "satisfied").status_code == 302
    second = rate(client, p, "unsatisfied")  # a double click, or a stale page
    assert second.status_code == 400
    assert "不能执行“评价”" in second.content.decode()
    p.refresh_from_db()
    assert p.rating == Rating.SATISFIED
    assert Event.objects.filter(petition=p, action="rate").count() == 1


def test_bad_rating_value(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    unlock(client, registered_case)
    response = rate(client, p, "great")
    assert response.status_code == 400
    assert "请选择满意、基本满意或不满意" in response.content.decode()
    p.refresh_from_db()
    assert p.status == Status.REPLIED


def test_cannot_rate_a_case_that_is_not_replied(client, personas, registered_case):
    unlock(client, registered_case)
    response = rate(client, registered_case.petition)
    assert response.status_code == 400
    assert "不能执行“评价”" in response.content.decode()


def test_rating_needs_the_lookup_first(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    response = rate(client, p)
    assert response.status_code == 302 and response["Location"] == reverse("portal:lookup")
    p.refresh_from_db()
    assert p.status == Status.REPLIED


def test_rate_is_post_only(client, personas, registered_case):
    unlock(client, registered_case)
    assert client.get(reverse("portal:case-rate", args=[registered_case.petition.number])).status_code == 405
