"""越级去向 (赴省/赴京) on the staff registration page: recorded through the same intake service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.petitions.models import Petition
from xinfang.petitions.tests.test_views import login, register_payload

pytestmark = pytest.mark.django_db


def test_register_page_offers_skip_level_destination(client, personas):
    body = login(client, personas.clerk).get(reverse("petitions:register")).content.decode()
    assert 'name="skip_level_to"' in body and "赴省" in body and "赴京" in body


@pytest.mark.parametrize(("value", "label"), [("province", "赴省"), ("beijing", "赴京")])
def test_skip_level_destination_is_stored(client, personas, value, label):
    r = login(client, personas.clerk).post(
        reverse("petitions:register"), register_payload(is_skip_level="on", skip_level_to=value)
    )
    assert r.status_code == 302
    p = Petition.objects.get()
    assert p.is_skip_level and p.skip_level_to == value and p.get_skip_level_to_display() == label


def test_destination_without_skip_level_tick_is_dropped(client, personas):
    r = login(client, personas.clerk).post(reverse("petitions:register"), register_payload(skip_level_to="beijing"))
    assert r.status_code == 302
    p = Petition.objects.get()
    assert not p.is_skip_level and p.skip_level_to == ""


def test_bad_destination_gets_message_and_stores_nothing(client, personas):
    r = login(client, personas.clerk).post(
        reverse("petitions:register"), register_payload(is_skip_level="on", skip_level_to="moon")
    )
    assert r.status_code == 400
    assert "越级去向" in r.content.decode() or "有效选项" in r.content.decode()
    assert Petition.objects.count() == 0
