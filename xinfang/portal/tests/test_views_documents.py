"""The petitioner reads their own complaint and opens their own 处理意见书 on the portal."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from xinfang.petitions.models import Event
from xinfang.petitions.tests.factories import advance, register

from .conftest import unlock


def test_case_page_shows_the_petitioners_own_text_escaped(client, personas):
    reg = register(personas.clerk, content="<script>alert(1)</script>窨井盖破损\n第二行")
    unlock(client, reg)
    html = client.get(reverse("portal:case", args=[reg.petition.number])).content.decode()
    assert 'id="petition-content"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;窨井盖破损<br>第二行" in html
    assert "<script>alert(1)</script>" not in html


def test_replied_case_links_to_its_reply_and_the_notice_opens(client, personas):
    reg = register(personas.clerk)
    p = advance(reg.petition, "replied", personas=personas)
    unlock(client, reg)
    html = client.get(reverse("portal:case", args=[p.number])).content.decode()
    reply = Event.objects.get(petition=p, action="approve_reply")
    url = reverse("portal:case-notice", args=[p.number, reply.pk])
    assert f'href="{url}"' in html and "信访事项处理意见书" in html
    notice = client.get(url)
    body = notice.content.decode()
    assert notice.status_code == 200
    assert "信访事项处理意见书" in body and "已于当日更换井盖" in body
    assert "王大爷" not in body  # no identity on the portal
    for internal in Event.objects.filter(petition=p).exclude(note="").values_list("note", flat=True):
        if internal not in reply.public_text:
            assert internal not in body
    download = client.get(url + "?download=1")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")


def test_notice_needs_the_lookup_and_only_serves_the_cases_own_documents(client, personas):
    reg = register(personas.clerk)
    p = advance(reg.petition, "replied", personas=personas)
    other = register(personas.clerk)
    other_p = advance(other.petition, "replied", personas=personas)
    reply = Event.objects.get(petition=p, action="approve_reply")
    # Not unlocked: back to the lookup page, nothing shown.
    stranger = Client()
    r = stranger.get(reverse("portal:case-notice", args=[p.number, reply.pk]))
    assert r.status_code == 302 and reverse("portal:lookup") in r["Location"]
    # Unlocked the other case only: its number does not open this case's reply.
    unlock(client, other)
    r = client.get(reverse("portal:case-notice", args=[other_p.number, reply.pk]))
    assert r.status_code == 404
    # An internal (non-public) event of the own case is no document either.
    internal = Event.objects.filter(petition=other_p, public=False).first()
    assert internal is not None
    r = client.get(reverse("portal:case-notice", args=[other_p.number, internal.pk]))
    assert r.status_code == 404
