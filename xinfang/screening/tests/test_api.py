"""REST: disputes, campaigns, reception days."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from xinfang.screening import services
from xinfang.screening.models import Dispute

pytestmark = pytest.mark.django_db
URL = "/api/v1/disputes/"


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_create_list_detail_and_act(scene):
    client = _client(scene.p.clerk)
    body = {
        "area": scene.cuiqiao.code,
        "dispute_type": "wages",
        "grade": "orange",
        "summary": "某建筑工地拖欠农民工工资约40万元",
        "headcount": 12,
        "found_on": "2026-11-02",
        "parties": [{"name": "孙二娘", "phone": "13500001111"}],
    }
    r = client.post(URL, body, format="json")
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r.json()["parties"] == [{"side": "claimant", "name": "孙**", "id_number": "", "phone": "135****1111"}]
    assert r.json()["due_date"] == "2026-12-17"
    assert [d["number"] for d in client.get(URL).json()["results"]] == [number]
    r = client.post(f"{URL}{number}/grade/", {"grade": "red", "reason": "人数增加"}, format="json")
    assert r.status_code == 200 and r.json()["grade"] == "red"
    r = client.post(f"{URL}{number}/conclude/", {"outcome": "resolved", "note": "已足额支付"}, format="json")
    assert r.status_code == 400 and "确认" in r.content.decode()
    r = client.post(
        f"{URL}{number}/conclude/", {"outcome": "resolved", "note": "已足额支付", "confirmed": True}, format="json"
    )
    assert r.status_code == 200 and r.json()["outcome"] == "resolved"
    assert [e["action"] for e in r.json()["timeline"]] == ["register", "grade", "conclude"]


def test_bad_input_and_outsider(scene):
    client = _client(scene.p.clerk)
    r = client.post(URL, {"area": "999999", "dispute_type": "wages", "grade": "red", "summary": "x"}, format="json")
    assert r.status_code == 400 and not Dispute.objects.exists()
    d = scene.dispute()
    outsider = _client(scene.p.outsider)
    assert outsider.get(f"{URL}{d.number}/").status_code == 404
    assert outsider.post(f"{URL}{d.number}/progress/", {"note": "x"}, format="json").status_code == 404
    assert outsider.get(URL).json()["results"] == []
    assert APIClient().get(URL).status_code in (401, 403)


def test_campaign_board_and_reception_days(scene):
    campaign = services.campaign_create(
        actor=scene.p.clerk, name="攻坚", office=scene.p.org.county_office, area=scene.p.org.fugou,
        starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31),
    )  # fmt: skip
    scene.dispute(campaign=campaign, marked=True)
    client = _client(scene.p.clerk)
    assert [c["name"] for c in client.get("/api/v1/campaigns/").json()] == ["攻坚"]
    board = client.get(f"/api/v1/campaigns/{campaign.pk}/board/").json()
    assert (board["screened"], board["marked"]) == (1, 1) and board["progress"][0]["label"] == "初信初访"
    assert _client(scene.p.outsider).get(f"/api/v1/campaigns/{campaign.pk}/board/").status_code == 404
    services.reception_day_create(
        actor=scene.p.clerk, leader=scene.p.leader, leader_title="县长", office=scene.p.org.county_office,
        area=scene.p.org.fugou, date=dt.date.today() + dt.timedelta(days=3), start_time=dt.time(9), end_time=dt.time(12),
        place="县信访局接待大厅",
    )  # fmt: skip
    days = client.get("/api/v1/reception-days/").json()
    assert [d["place"] for d in days] == ["县信访局接待大厅"]
    assert _client(scene.p.outsider).get("/api/v1/reception-days/").json() == []
