"""The schematic board lists exactly the open disputes per area; the command prints the same counts."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from xinfang.screening import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(scene):
    return services.campaign_create(
        actor=scene.p.clerk,
        name="扶沟县四大攻坚",
        office=scene.p.org.county_office,
        area=scene.p.org.fugou,
        starts_on=dt.date(2026, 10, 1),
        ends_on=dt.date(2026, 12, 31),
    )


def _conclude(scene, d, outcome):
    services.dispute_conclude(actor=scene.p.clerk, dispute_id=d.pk, outcome=outcome, note="结果", confirmed=True)


def test_schematic_board_lists_exactly_the_open_disputes_per_area(client, scene, campaign):
    cg = scene.p.org.chengguan
    cg_red = scene.dispute(area=cg, grade="red", campaign=campaign, marked=True, title="城关红")
    cg_blue = scene.dispute(area=cg, grade="blue", campaign=campaign, title="城关蓝")
    cg_done = scene.dispute(area=cg, grade="red", campaign=campaign, marked=True, title="城关已化解")
    _conclude(scene, cg_done, "resolved")
    cq_legal = scene.dispute(area=scene.cuiqiao, grade="orange", campaign=campaign, title="崔桥法定途径")
    _conclude(scene, cq_legal, "legal")
    cq_ctrl = scene.dispute(area=scene.cuiqiao, grade="yellow", campaign=campaign, title="崔桥稳控")
    _conclude(scene, cq_ctrl, "controlled")
    scene.dispute(area=scene.cuiqiao, grade="red", title="不在攻坚内")

    board = selectors.board_build(scene.p.clerk, area=scene.p.org.fugou, campaign=campaign)
    tiles = {t.area.code: t for t in board.tiles}
    assert set(tiles) == {cg.code, scene.cuiqiao.code}  # the county's townships, from the 区划 tree
    assert (tiles[cg.code].screened, tiles[cg.code].marked, tiles[cg.code].resolved) == (3, 2, 1)
    assert tiles[cg.code].open_by_grade == {"red": 1, "blue": 1}
    assert tiles[cg.code].color == "#d93025"  # the worst open grade
    assert tiles[scene.cuiqiao.code].open_by_grade == {"yellow": 1}  # 稳控中 is still open; 转入法定途径 is not

    # the page: each tile links to its open list, which holds exactly those disputes
    _ = client.force_login(scene.p.clerk)
    page = client.get(reverse("screening:campaign", args=[campaign.pk])).content.decode()
    assert f'data-area="{cg.code}"' in page
    listing = client.get(reverse("screening:list"), {"area": cg.code, "state": "open", "campaign": campaign.pk})
    shown = {d.number for d in listing.context["page"]}
    assert shown == {cg_red.number, cg_blue.number}

    # the township sees its own tile filled, the other empty
    mine = selectors.board_build(scene.cuiqiao_worker, area=scene.p.org.fugou, campaign=campaign)
    assert {t.area.code: t.screened for t in mine.tiles} == {cg.code: 0, scene.cuiqiao.code: 2}


def test_command_prints_the_campaign_boards(scene, campaign):
    scene.dispute(area=scene.cuiqiao, grade="red", campaign=campaign, marked=True)
    done = scene.dispute(area=scene.cuiqiao, grade="yellow", campaign=campaign)
    _conclude(scene, done, "resolved")
    out = io.StringIO()
    call_command("campaign_board", office="FG-XFJ", stdout=out)
    data = json.loads(out.getvalue())
    assert data == [
        {
            "name": "扶沟县四大攻坚",
            "screened": 2,
            "marked": 1,
            "resolved": 1,
            "by_area": [
                {"area": "411621100", "name": "城关镇", "screened": 0, "marked": 0, "resolved": 0},
                {"area": "411621101", "name": "崔桥镇", "screened": 2, "marked": 1, "resolved": 1},
            ],
        }
    ]
    with pytest.raises(CommandError, match="不存在"):
        call_command("campaign_board", office="NOPE")


def test_campaign_progress_against_targets(scene, campaign):
    for i in range(3):
        d = scene.dispute(campaign=campaign, case_class="first", title=f"初{i}")
        if i < 2:
            _conclude(scene, d, "resolved")
    old = scene.dispute(campaign=campaign, case_class="old")
    _conclude(scene, old, "resolved")
    rates = {r.label: r for r in selectors.campaign_progress(scene.p.clerk, campaign)}
    assert (rates["初信初访"].resolved, rates["初信初访"].total, str(rates["初信初访"].rate)) == (2, 3, "66.7")
    assert rates["初信初访"].met is False
    assert rates["历史积案"].met is True
    assert rates["重信重访"].rate is None


def test_geojson_upload_checks_the_codes(scene):
    from xinfang.core.errors import ValidationFailed

    square = {"type": "Polygon", "coordinates": [[[114.3, 34.0], [114.4, 34.0], [114.4, 34.1], [114.3, 34.0]]]}
    good = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"code": "411621100"}, "geometry": square}],
    }
    area_map = services.area_map_upload(actor=scene.p.clerk, area=scene.p.org.fugou, raw=json.dumps(good))
    assert area_map.feature_count == 1
    bad = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"code": "110101"}, "geometry": square}],
    }
    with pytest.raises(ValidationFailed, match="不在扶沟县"):
        services.area_map_upload(actor=scene.p.clerk, area=scene.p.org.fugou, raw=json.dumps(bad))
    with pytest.raises(ValidationFailed, match="GeoJSON"):
        services.area_map_upload(actor=scene.p.clerk, area=scene.p.org.fugou, raw=b"{not json")


def test_board_image_and_leader_table(client, scene, campaign):
    d = scene.dispute(area=scene.cuiqiao, grade="red", campaign=campaign, marked=True)
    services.dispute_take_on(actor=scene.p.clerk, dispute_id=d.pk, leader=scene.p.leader)
    client.force_login(scene.p.clerk)
    resp = client.get(reverse("screening:board-image"), {"campaign": campaign.pk})
    assert resp["Content-Type"].startswith("image/svg+xml")
    svg = resp.content.decode()
    assert svg.startswith("<svg") and "崔桥镇" in svg and "#d93025" in svg and "扶沟县四大攻坚作战示意图" in svg
    page = client.get(reverse("screening:campaign", args=[campaign.pk])).content.decode()
    assert "领导包案化解情况" in page and "县领导" in page
    client.force_login(scene.p.outsider)
    assert client.get(reverse("screening:board-image"), {"campaign": campaign.pk}).status_code == 404
