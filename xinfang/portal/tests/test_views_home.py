from __future__ import annotations

from django.urls import reverse


def test_home_lists_what_the_citizen_can_do_and_their_rights(client, db):
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("portal:submit") in html and reverse("portal:lookup") in html
    for text in ("书面告知", "复查", "复核", "30日", "打击报复", "第十八条", "第三十条"):
        assert text in html
    assert 'class="portal"' in html


def test_home_is_at_slash_portal(client, db):
    assert reverse("portal:home") == "/portal/"
