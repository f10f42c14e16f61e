"""Staff and portal pages for the notices: issue, download, 送达; the same access as the case page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as Docx

from xinfang.core.timeutil import local_date
from xinfang.documents.models import Delivery, Document
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Event
from xinfang.petitions.notices_docs import notice_issue
from xinfang.petitions.tests.factories import advance, register
from xinfang.portal.tests.conftest import unlock

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Docx(io.BytesIO(content)).paragraphs)


@pytest.fixture
def replied(personas):
    reg = register(personas.clerk)
    advance(reg.petition, "replied", personas=personas)
    return reg


def test_handler_issues_and_downloads_the_reply(client, personas, replied):
    p = replied.petition
    client.force_login(personas.handler)
    detail = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert reverse("petitions:documents", args=[p.pk]) in detail
    page = client.get(reverse("petitions:documents", args=[p.pk]))
    assert page.status_code == 200 and "信访处理意见书" in page.content.decode()
    resp = client.post(reverse("petitions:documents-issue", args=[p.pk]), {"kind": "reply"})
    assert resp.status_code == 302
    doc = Document.objects.get(subject_id=p.pk, kind="reply")
    page = client.get(reverse("petitions:documents", args=[p.pk])).content.decode()
    assert doc.doc_number in page and "已生成信访处理意见书" in page
    bare = reverse("petitions:documents-download", args=[p.pk, doc.pk])
    assert client.get(bare).status_code == 403  # only through the page's short-lived signed link
    link = re.search(re.escape(bare) + r"\?t=[^\"&]+", page)
    assert link
    download = client.get(link.group(0))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert doc.doc_number in text_of(download.content)
    assert Event.objects.filter(petition=p, action="issue_document", data__document=doc.pk).exists()


def test_issue_in_wrong_state_shows_message_and_writes_nothing(client, personas):
    p = register(personas.clerk).petition
    client.force_login(personas.dispatcher)
    resp = client.post(reverse("petitions:documents-issue", args=[p.pk]), {"kind": "reply"}, follow=True)
    assert "尚未答复，不能生成信访处理意见书" in resp.content.decode()
    assert Document.objects.count() == 0


def test_outsider_gets_404_on_the_page_and_the_file(client, personas, replied):
    p = replied.petition
    doc = notice_issue(actor=personas.handler, petition_id=p.pk, kind="reply")
    client.force_login(personas.outsider)
    assert client.get(reverse("petitions:documents", args=[p.pk])).status_code == 404
    assert client.get(reverse("petitions:documents-download", args=[p.pk, doc.pk])).status_code == 404
    assert client.post(reverse("petitions:documents-issue", args=[p.pk]), {"kind": "reply"}).status_code == 404
    assert Document.objects.count() == 1


def test_delivery_by_post_restarts_the_review_window_from_delivery(client, personas, replied):
    p = replied.petition
    doc = notice_issue(actor=personas.handler, petition_id=p.pk, kind="reply")
    client.force_login(personas.handler)
    url = reverse("petitions:documents-deliver", args=[p.pk, doc.pk])
    when = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8)))
    resp = client.post(url, {"method": "post", "delivered_at": when.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "邮寄送达须填写邮件单号" in resp.content.decode()
    assert Delivery.objects.count() == 0
    before = Deadline.objects.get(petition=p, code="review_request", status="open")
    resp = client.post(
        url,
        {"method": "post", "delivered_at": when.strftime("%Y-%m-%dT%H:%M"), "tracking_number": "EMS1234567890"},
        follow=True,
    )
    assert "已登记信访处理意见书" in resp.content.decode()
    delivery = Delivery.objects.get()
    assert delivery.method == "post" and delivery.tracking_number == "EMS1234567890"
    assert delivery.recorded_by == personas.handler
    after = Deadline.objects.get(petition=p, code="review_request", status="open")
    assert after.pk != before.pk and after.start_date == local_date(delivery.delivered_at)
    ev = Event.objects.get(petition=p, action="deliver_document")
    assert ev.public and "邮寄送达" in ev.public_text
    # A second delivery (a copy handed over later) does not move the window again.
    client.post(url, {"method": "in_person", "delivered_at": when.strftime("%Y-%m-%dT%H:%M")})
    assert Delivery.objects.count() == 2
    assert Deadline.objects.get(petition=p, code="review_request", status="open").pk == after.pk


def test_delivery_in_the_future_refused(client, personas, replied):
    p = replied.petition
    doc = notice_issue(actor=personas.handler, petition_id=p.pk, kind="reply")
    client.force_login(personas.handler)
    later = timezone.now() + dt.timedelta(days=2)
    resp = client.post(
        reverse("petitions:documents-deliver", args=[p.pk, doc.pk]),
        {"method": "in_person", "delivered_at": later.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert "送达时间不能晚于现在" in resp.content.decode()
    assert Delivery.objects.count() == 0


def test_portal_shows_the_petitioners_own_notices_only(client, personas, replied):
    p = replied.petition
    transfer = notice_issue(actor=personas.dispatcher, petition_id=p.pk, kind="transfer")
    reply = notice_issue(actor=personas.handler, petition_id=p.pk, kind="reply")
    listing = reverse("portal:case-documents", args=[p.number])
    assert client.get(listing).status_code == 302  # not unlocked: back to the lookup
    assert client.get(reverse("portal:case-document", args=[p.number, reply.pk])).status_code == 302
    unlock(client, replied)
    assert listing in client.get(reverse("portal:case", args=[p.number])).content.decode()
    html = client.get(listing).content.decode()
    assert reply.doc_number in html and transfer.doc_number not in html
    bare = reverse("portal:case-document", args=[p.number, reply.pk])
    assert client.get(bare).status_code == 403
    signed = re.search(re.escape(bare) + r"\?t=[^\"&]+", html)
    assert signed
    download = client.get(signed.group(0))
    assert download.status_code == 200 and "王大爷：" in text_of(download.content)
    online = Delivery.objects.get(document=reply)
    assert online.method == "online" and online.recorded_by_name == "信访人（网上）"
    client.get(signed.group(0))
    assert Delivery.objects.filter(document=reply).count() == 1  # downloading again is not a new delivery
    assert client.get(reverse("portal:case-document", args=[p.number, transfer.pk])).status_code == 404
