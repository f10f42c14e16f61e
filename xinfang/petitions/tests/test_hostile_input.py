"""Hostile strings in every text field render escaped on every page that shows them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.petitions import services
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_every_text_field_is_escaped(client, personas):
    reg = register(
        personas.clerk,
        title=XSS,
        content=XSS,
        accused_person=XSS,
        petitioner={"name": XSS[:100], "address": XSS, "phone": "13812345678"},
        representatives=[{"name": XSS[:100]}],
    )
    p = reg.petition
    services.petition_dispatch(
        actor=personas.dispatcher, petition_id=p.pk, unit=personas.org.municipal, mode="transfer", note=XSS
    )
    services.petition_accept(actor=personas.handler, petition_id=p.pk, note=XSS)
    services.petition_add_note(actor=personas.handler, petition_id=p.pk, note=XSS, public=True)
    services.petition_submit_reply(
        actor=personas.handler, petition_id=p.pk, outcome="explain", facts=XSS, reasons=XSS, basis=XSS, opinion=XSS
    )
    services.petition_decide_reply(actor=personas.head, petition_id=p.pk, approve=True, note=XSS)
    client.force_login(personas.dispatcher)
    pages = [
        reverse("petitions:detail", args=[p.pk]),
        reverse("petitions:list"),
        reverse("petitions:list") + "?q=" + "%3Cscript%3E",
        reverse("petitions:workbench") + "?inbox=to_rate",
        reverse("petitions:notice", args=[p.pk, p.events.get(action="approve_reply").pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "onerror=alert(1)>" not in body, url
    detail = client.get(pages[0]).content.decode()
    assert ESCAPED in detail
    # The citizen's page too.
    portal = client.__class__()
    portal.post(reverse("portal:lookup"), {"number": p.number, "code": reg.query_code})
    body = portal.get(reverse("portal:case", args=[p.number])).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body
