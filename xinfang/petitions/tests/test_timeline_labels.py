"""The staff timeline says exactly what the petitioner sees of each step."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from xinfang.petitions import services
from xinfang.petitions.models import Event
from xinfang.petitions.tests.factories import advance, register

pytestmark = pytest.mark.django_db


def timeline_items(html: str) -> list[str]:
    block = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", block, flags=re.S)


def test_each_step_shows_the_public_text_or_says_it_is_internal(client, personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    services.petition_add_note(actor=personas.handler, petition_id=p.pk, note="内部：已约谈，勿外传")
    services.petition_add_note(actor=personas.handler, petition_id=p.pk, note="已到现场查看，正在组织维修", public=True)
    client.force_login(personas.handler)
    html = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    items = timeline_items(html)
    internal = next(i for i in items if "内部：已约谈，勿外传" in i)
    assert "仅工作人员可见" in internal and "信访人在查询页看到" not in internal
    public = next(i for i in items if "已到现场查看，正在组织维修" in i and "信访人在查询页看到" in i)
    assert "（办理情况）" in public
    registered = Event.objects.get(petition=p, action="register")
    reg_item = next(i for i in items if registered.public_text in i)
    assert "信访人在查询页看到（登记）" in reg_item
    assert "（已向信访人公开）" not in html
    # Every text the staff page calls public is on the portal, and nothing else is.
    shown = {e.public_text for e in Event.objects.filter(petition=p) if e.public and e.public_text}
    assert html.count("信访人在查询页看到") == len(
        [e for e in Event.objects.filter(petition=p) if e.public and e.public_text]
    )
    assert all(text.replace("\n", "<br>") in html for text in shown)


def test_public_event_without_text_is_not_labelled_public(client, personas):
    p = register(personas.clerk).petition
    Event.objects.filter(petition=p, action="register").update(public_text="")
    client.force_login(personas.clerk)
    html = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert "信访人在查询页看到" not in html and "仅工作人员可见" in html
