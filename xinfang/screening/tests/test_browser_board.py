"""In real headless Chromium: the 作战示意图 of a campaign, a township's tile, its open list, the case; and the
map drawn by ECharts from an uploaded (synthetic) GeoJSON, a click on a township going to its list."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from xinfang.screening import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "pass-word-123")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/.*"))


def _campaign(scene):
    return services.campaign_create(
        actor=scene.p.clerk, name="扶沟县四大攻坚", office=scene.p.org.county_office, area=scene.p.org.fugou,
        starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31),
    )  # fmt: skip


def test_board_tile_to_list_to_case(live_server, page, scene):
    campaign = _campaign(scene)
    hard = scene.dispute(area=scene.cuiqiao, grade="red", campaign=campaign, marked=True, title="崔桥镇征地补偿争议")
    scene.dispute(area=scene.p.org.chengguan, grade="blue", campaign=campaign, title="城关镇邻里纠纷")
    _login(page, live_server)
    page.goto(f"{live_server.url}/screening/campaigns/{campaign.pk}/")
    tile = page.locator(f'#board-tiles a[data-area="{scene.cuiqiao.code}"]')
    assert "排查 1 · 挂图 1 · 化解 0" in tile.inner_text()
    assert "rgb(217, 48, 37)" in tile.evaluate(
        "el => getComputedStyle(el).borderLeftColor"
    )  # red: the worst open grade
    tile.click()
    page.wait_for_url(re.compile(r".*/screening/\?area=411621101.*"))
    rows = page.locator("#dispute-list tbody tr")
    assert rows.count() == 1 and "崔桥镇征地补偿争议" in rows.first.inner_text()
    rows.first.locator("a").first.click()
    page.wait_for_url(re.compile(rf".*/screening/d/{hard.pk}/$"))
    assert hard.number in page.locator("#dispute-number").inner_text()


def test_map_from_uploaded_geojson(live_server, page, scene):
    campaign = _campaign(scene)
    scene.dispute(area=scene.cuiqiao, grade="orange", campaign=campaign)

    def square(x: float) -> dict[str, Any]:
        return {"type": "Polygon", "coordinates": [[[x, 34.0], [x + 0.1, 34.0], [x + 0.1, 34.1], [x, 34.1], [x, 34.0]]]}

    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": scene.p.org.chengguan.code}, "geometry": square(114.3)},
            {"type": "Feature", "properties": {"code": scene.cuiqiao.code}, "geometry": square(114.4)},
        ],
    }
    services.area_map_upload(actor=scene.p.clerk, area=scene.p.org.fugou, raw=json.dumps(geojson))
    _login(page, live_server)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/screening/board/map/?area={scene.p.org.fugou.code}&campaign={campaign.pk}")
    page.wait_for_load_state("load")
    assert not errors, errors
    canvas = page.locator("#map-canvas canvas")
    canvas.wait_for()
    assert not errors, errors
    box = page.locator("#map-canvas").bounding_box()
    assert box and box["height"] > 300
    # ECharts draws the two squares side by side; the right-hand one (崔桥镇) goes to its list
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('map-canvas'))")
    point = page.evaluate(
        """() => { const c = echarts.getInstanceByDom(document.getElementById('map-canvas'));
                  return c.convertToPixel({geoIndex: 0}, [114.45, 34.05]); }"""
    )
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.wait_for_url(re.compile(r".*/screening/\?area=411621101&state=open$"))
