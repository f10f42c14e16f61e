"""Staff pages: happy paths, outsider 404, bad input changes nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from xinfang.screening import services
from xinfang.screening.models import Campaign, Dispute

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_register_on_the_page_and_see_it_masked(client, scene):
    _login(client, scene.p.clerk)
    resp = client.get(reverse("screening:new"))
    assert resp.status_code == 200
    data = {
        "area": scene.cuiqiao.pk,
        "dispute_type": "land",
        "case_class": "first",
        "source": "screening",
        "grade": services.grade_get("orange").pk,
        "summary": "土地流转租金三年未付，涉及20户",
        "found_on": "2026-11-02",
        "headcount": 20,
        "party1_name": "赵铁柱",
        "party1_phone": "13700001234",
        "party1_side": "claimant",
    }
    resp = client.post(reverse("screening:new"), data)
    dispute = Dispute.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("screening:detail", args=[dispute.pk])
    page = client.get(resp["Location"]).content.decode()
    assert "赵**" in page and "137****1234" in page and "赵铁柱" not in page
    assert "化解期限" in page and dispute.number in page


def test_bad_input_shows_errors_and_writes_nothing(client, scene):
    _login(client, scene.p.clerk)
    resp = client.post(reverse("screening:new"), {"area": scene.cuiqiao.pk, "summary": ""})
    assert resp.status_code == 200 and "errorlist" in resp.content.decode()
    assert not Dispute.objects.exists()


def test_outsider_gets_404(client, scene):
    d = scene.dispute()
    _login(client, scene.p.outsider)
    assert client.get(reverse("screening:detail", args=[d.pk])).status_code == 404
    assert client.post(reverse("screening:act", args=[d.pk, "progress"]), {"note": "x"}).status_code == 404


def test_actions_through_the_page(client, scene):
    d = scene.dispute()
    _login(client, scene.p.clerk)
    url = reverse("screening:act", args=[d.pk, "grade"])
    resp = client.post(url, {"grade": services.grade_get("red").pk, "reason": ""})
    assert resp.status_code == 400
    resp = client.post(url, {"grade": services.grade_get("red").pk, "reason": "有聚集风险"})
    assert resp.status_code == 302
    d.refresh_from_db()
    assert d.grade.code == "red"
    resp = client.post(reverse("screening:act", args=[d.pk, "take_on"]), {"leader": scene.p.leader.pk})
    d.refresh_from_db()
    assert d.leader == scene.p.leader
    # a unit the case was not given to does not see it
    _login(client, scene.p.handler)
    assert client.get(reverse("screening:detail", args=[d.pk])).status_code == 404


def test_unmask_is_audited(client, scene):
    from xinfang.core.models import AuditEvent

    d = scene.dispute(parties=[{"name": "钱多多", "phone": "13600001111"}])
    _login(client, scene.p.clerk)
    page = client.post(reverse("screening:unmask", args=[d.pk]), {"reason": "电话回访"}).content.decode()
    assert "钱多多" in page and "13600001111" in page
    assert AuditEvent.objects.filter(action="dispute.unmask").count() == 1


def test_board_and_campaign_pages(client, scene):
    campaign = services.campaign_create(
        actor=scene.p.clerk,
        name="四大攻坚",
        office=scene.p.org.county_office,
        area=scene.p.org.fugou,
        starts_on=__import__("datetime").date(2026, 10, 1),
        ends_on=__import__("datetime").date(2026, 12, 31),
    )
    scene.dispute(campaign=campaign, marked=True, grade="red")
    _login(client, scene.p.clerk)
    board = client.get(reverse("screening:board") + f"?area={scene.p.org.fugou.code}").content.decode()
    assert "城关镇" in board and "崔桥镇" in board
    page = client.get(reverse("screening:campaign", args=[campaign.pk])).content.decode()
    assert "四大攻坚" in page and "初信初访" in page and "挂图作战案件（1件）" in page
    assert client.get(reverse("screening:campaigns")).status_code == 200
    assert client.get(reverse("screening:leader")).status_code == 200
    assert client.get(reverse("screening:map") + f"?area={scene.p.org.fugou.code}").status_code == 200
    _login(client, scene.p.outsider)
    assert client.get(reverse("screening:campaign", args=[campaign.pk])).status_code == 404
    assert Campaign.objects.count() == 1


def test_other_pages_render(client, scene):
    _login(client, scene.p.clerk)
    for name in ("screening:list", "screening:reception-list", "screening:down-visits", "screening:import"):
        assert client.get(reverse(name)).status_code == 200, name
    resp = client.post(reverse("screening:import"), {"file": io.BytesIO(b"not excel")})
    assert resp.status_code == 200
