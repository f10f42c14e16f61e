"""In real headless Chromium: the 统计分析 page draws its ECharts charts, and a figure clicked through
lists exactly the cases it counted."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from xinfang.statistics import figures
from xinfang.statistics import page as stats_page

from . import cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = "period=custom&from=2025-01-01&to=2025-12-31&area=411621"


def _login(live_server: Any, pg: Any) -> None:
    pg.goto(live_server.url + "/accounts/login/")
    pg.fill("#id_username", "supervisor")
    pg.fill("#id_password", "pass-word-123")
    pg.click("#login-form button[type=submit]")
    pg.wait_for_url(re.compile(r".*/staff/.*"))


def _titles(pg: Any) -> list[str]:
    return sorted(pg.locator("#cases tr td:nth-child(2)").all_inner_texts())


def test_charts_render_and_a_figure_drills_down_to_its_cases(
    live_server: Any, page: Any, personas: Any, time_machine: Any
) -> None:
    real_now = dt.datetime.now(dt.UTC)
    built = cases.build(personas, time_machine)
    # The cases were handled on their own past days; the browser lives today (its session cookie too).
    time_machine.move_to(real_now, tick=True)
    pg = page
    errors: list[str] = []
    pg.on(
        "console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.location["url"] else None
    )
    pg.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    _login(live_server, pg)
    pg.goto(f"{live_server.url}/stats/?{QUERY}")
    for chart in ("chart-trend", "chart-category", "chart-channel"):
        drawn = pg.locator(f"#{chart} canvas, #{chart} svg")
        drawn.first.wait_for(state="attached")
        box = drawn.first.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100, chart
    assert not errors, errors  # the page's script ran without an error

    # 信访总量: the volume figure, clicked, lists the eight cases received in 2025.
    link = pg.locator("#volumes a[href*='volume=received']")
    shown = int(link.inner_text())
    assert shown == len(built) == 8
    link.click()
    pg.wait_for_url(re.compile(r".*/stats/cases/.*volume=received"))
    assert int(pg.locator("#case-count").inner_text()) == shown
    assert _titles(pg) == sorted(p.title for p in built.values())

    # A bucket of a rate: 按期答复率 · 未答复已超期, the same condition the figure was counted with.
    pg.goto(f"{live_server.url}/stats/?{QUERY}")
    req = page_request(personas)
    block = figures.headline(req.scope, req.period)["indicators"]["on_time_reply_rate"]
    bucket = pg.locator("#ind-on_time_reply_rate a[href*='bucket=overdue']")
    assert bucket.inner_text().endswith(f" {block['buckets']['overdue']}")
    bucket.click()
    pg.wait_for_url(re.compile(r".*/stats/cases/.*bucket=overdue"))
    expected, _title = stats_page.drill_cases(req, {"indicator": "on_time_reply_rate", "bucket": "overdue"})
    assert int(pg.locator("#case-count").inner_text()) == block["buckets"]["overdue"] == expected.count()
    assert _titles(pg) == sorted(p.title for p in expected)
    assert "统计用例C" in _titles(pg)  # C: accepted in April 2025, never answered


def page_request(personas: Any) -> stats_page.Request:
    return stats_page.parse(
        personas.supervisor, {"period": "custom", "from": "2025-01-01", "to": "2025-12-31", "area": "411621"}
    )
