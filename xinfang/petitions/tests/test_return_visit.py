"""回访 as a step: the record, the rating it carries, the task for an unrated reply, refusals write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xinfang.core.errors import DomainError
from xinfang.core.testing.nothing_written import writes_nothing
from xinfang.notifications.models import Message
from xinfang.petitions import services
from xinfang.petitions.models import Event, Petition, ReturnVisit

from .factories import advance, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(personas):
    return advance(register(personas.clerk).petition, "replied", personas=personas)


def test_a_reached_return_visit_records_the_rating_and_closes(replied, personas):
    visit = services.petition_return_visit(
        actor=personas.dispatcher,
        petition_id=replied.pk,
        method="phone",
        reached=True,
        rating="satisfied",
        comment="井盖已换，满意",
    )
    p = Petition.objects.get(pk=replied.pk)
    assert (visit.caller, visit.method, visit.reached, visit.rating) == (
        personas.dispatcher,
        "phone",
        True,
        "satisfied",
    )
    assert p.status == "closed" and p.rating == "satisfied"
    ev = Event.objects.filter(petition=p, action="return_visit").get()
    assert "回访（电话）：已联系上，评价：满意" in ev.note
    assert Event.objects.filter(petition=p, action="rate").exists()


def test_an_unreached_visit_changes_nothing_but_the_record(replied, personas):
    services.petition_return_visit(actor=personas.dispatcher, petition_id=replied.pk, method="phone", reached=False)
    assert Petition.objects.get(pk=replied.pk).status == "replied"
    assert ReturnVisit.objects.get().reached is False


def test_an_sms_return_visit_asks_the_petitioner(
    replied, personas, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.XINFANG_SMS_QUIET_HOURS = "off"
    settings.XINFANG_SMS_LOG_FILE = tmp_path / "sms.log"
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_return_visit(actor=personas.dispatcher, petition_id=replied.pk, method="sms", reached=False)
    m = Message.objects.get(event="return_visit")
    assert m.channel == "sms" and "满意" in m.body and m.state == "sent"


@pytest.mark.parametrize(
    "who,kw",
    [
        ("handler", {"method": "phone", "reached": True}),  # not the office
        ("dispatcher", {"method": "fax", "reached": True}),  # no such method
        ("dispatcher", {"method": "phone", "reached": False, "rating": "satisfied"}),  # rating without contact
    ],
)
def test_refused_return_visits_write_nothing(replied, personas, who, kw):
    with writes_nothing(replied), pytest.raises(DomainError):
        services.petition_return_visit(actor=getattr(personas, who), petition_id=replied.pk, **kw)
    assert not ReturnVisit.objects.exists()


def test_not_before_the_reply(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    with writes_nothing(p), pytest.raises(DomainError):
        services.petition_return_visit(actor=personas.dispatcher, petition_id=p.pk, method="phone", reached=True)


def test_unrated_replies_become_one_task_and_one_message(replied, personas, settings):
    later = replied.replied_at + dt.timedelta(days=settings.XINFANG_RETURN_VISIT_AFTER_DAYS + 1)
    assert services.return_visits_sweep(now=replied.replied_at + dt.timedelta(days=1)) == {"tasks": 0, "notified": 0}
    assert services.return_visits_sweep(now=later) == {"tasks": 1, "notified": 1}
    assert services.return_visits_sweep(now=later) == {"tasks": 0, "notified": 0}
    task = ReturnVisit.objects.get()
    assert task.visited_at is None
    assert Message.objects.get(event="return_visit_due").user == personas.dispatcher
    # Doing the 回访 completes the task (no second row).
    services.petition_return_visit(actor=personas.dispatcher, petition_id=replied.pk, method="phone", reached=False)
    task.refresh_from_db()
    assert task.visited_at is not None and ReturnVisit.objects.count() == 1


def test_an_unrated_reply_counts_as_unrated_not_satisfied(replied, settings):
    p = Petition.objects.get(pk=replied.pk)
    assert services.rating_state(p) == "待评价"
    assert p.replied_at is not None
    late = p.replied_at + dt.timedelta(days=settings.XINFANG_RATING_WINDOW_DAYS + 1)
    assert services.rating_state(p, now=late) == "未评价"


def test_staff_page_form_and_api(replied, personas, client):
    client.force_login(personas.dispatcher)
    page = client.get(reverse("petitions:detail", args=[replied.pk]))
    assert "回访方式" in page.content.decode()
    bad = client.post(
        reverse("petitions:act", args=[replied.pk, "return_visit"]),
        {"return_visit-method": "phone", "return_visit-rating": "satisfied"},
    )
    assert bad.status_code == 400 and "未联系上信访人时不能录入评价" in bad.content.decode()
    assert not ReturnVisit.objects.exists()
    ok = client.post(
        reverse("petitions:act", args=[replied.pk, "return_visit"]),
        {"return_visit-method": "phone", "return_visit-reached": "on"},
    )
    assert ok.status_code == 302 and ReturnVisit.objects.count() == 1
    api = client.post(
        f"/api/v1/petitions/{replied.number}/return-visit/",
        {"method": "visit", "reached": True, "rating": "basic"},
        content_type="application/json",
    )
    assert api.status_code == 200, api.content
    assert Petition.objects.get(pk=replied.pk).rating == "basic"
    refused = client.post(
        f"/api/v1/petitions/{replied.number}/return-visit/",
        {"method": "nope", "reached": True},
        content_type="application/json",
    )
    assert refused.status_code == 400 and ReturnVisit.objects.count() == 2
