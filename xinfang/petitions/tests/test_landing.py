"""Where a person lands after logging in: every role on the inbox it works from, and the system
administrator without a post on a page that says what the account can do (not an error)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from xinfang.petitions import services
from xinfang.petitions.tests.factories import advance, register

pytestmark = pytest.mark.django_db


def _active_tab(body: str) -> str:
    found = re.search(r'class="active" data-inbox="([a-z_]+)"', body)
    assert found, body
    return found.group(1)


def _tabs(body: str) -> list[str]:
    return re.findall(r'data-inbox="([a-z_]+)"', body)


def test_superuser_without_a_post_logs_in_to_a_working_page(client, personas, django_user_model):
    root = django_user_model.objects.create_superuser("root-landing", password="pass-word-123", email="")
    advance(register(personas.clerk).petition, "accepted", personas=personas)
    r = client.post(reverse("accounts:login"), {"username": "root-landing", "password": "pass-word-123"})
    assert r.status_code == 302 and r["Location"] == reverse("petitions:workbench")
    r = client.get(r["Location"])
    assert r.status_code == 200
    body = r.content.decode()
    assert 'id="without-post"' in body and "没有分配信访部门或承办单位的岗位" in body
    assert reverse("admin:index") in body and reverse("petitions:list") in body
    # Only the inboxes that need no post: a superuser has no office whose 待分办 it could hold.
    assert _tabs(body) == ["due_soon", "overdue"]
    assert root.is_superuser


def test_a_post_holder_sees_no_administrator_notice(client, personas):
    client.force_login(personas.dispatcher)
    body = client.get(reverse("petitions:workbench")).content.decode()
    assert 'id="without-post"' not in body


def _case_in(state: str, personas):
    return advance(register(personas.clerk).petition, state, personas=personas)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("clerk", "to_register"),
        ("dispatcher", "to_dispatch"),
        ("handler", "to_accept"),
        ("head", "to_approve"),
        ("reviewer", "reviewing"),
        ("leader", "led"),
    ],
)
def test_each_role_lands_on_the_inbox_it_works_from(client, personas, who, expected):
    org = personas.org
    services.petition_submit_online(
        petitioner={"name": "李四", "phone": "13900001111"}, area=org.chengguan, content="路灯不亮"
    )  # 待登记
    register(personas.clerk)  # 待分办
    _case_in("dispatched", personas)  # 待受理 at the 市政所
    _case_in("reply_pending", personas)  # 待审批 for its head
    reviewed = _case_in("replied", personas)
    services.petition_request_review(petition_id=reviewed.pk, reason="不服")  # 复查 at the county government
    services.petition_take_on(actor=personas.leader, petition_id=reviewed.pk, note="包案")
    client.force_login(getattr(personas, who))
    r = client.get(reverse("petitions:workbench"))
    assert r.status_code == 200
    assert _active_tab(r.content.decode()) == expected


def test_an_empty_work_inbox_still_opens_first_when_nothing_is_waiting(client, personas):
    """A head with nothing at all lands on 待审批 (the head's own work), not on whatever tab comes first."""
    client.force_login(personas.head)
    assert _active_tab(client.get(reverse("petitions:workbench")).content.decode()) == "to_approve"


def test_an_unknown_inbox_falls_back_to_the_landing_inbox(client, personas):
    _case_in("reply_pending", personas)
    client.force_login(personas.head)
    r = client.get(reverse("petitions:workbench") + "?inbox=nonsense")
    assert r.status_code == 200 and _active_tab(r.content.decode()) == "to_approve"


def test_the_home_page_leads_a_logged_in_person_to_the_workbench(client, personas):
    assert 'id="to-workbench"' not in client.get("/").content.decode()
    client.force_login(personas.head)
    body = client.get("/").content.decode()
    assert f'href="{reverse("petitions:workbench")}" id="to-workbench"' in body
