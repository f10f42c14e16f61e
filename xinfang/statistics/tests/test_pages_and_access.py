"""The page, the drill-down, the export, the API, the command and the frozen snapshots, from personas."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Petition
from xinfang.statistics import definitions as d
from xinfang.statistics import figures, page, services, volumes
from xinfang.statistics.config import stats_config
from xinfang.statistics.models import Snapshot

from . import cases
from .test_indicators import YEAR

YEAR_QUERY = {"period": "custom", "from": "2025-01-01", "to": "2025-12-31", "area": "411621"}


@pytest.fixture
def built(personas: Any, time_machine: Any) -> dict[str, Any]:
    return cases.build(personas, time_machine)


def test_drill_down_lists_exactly_the_cases_counted(built: Any, personas: Any) -> None:
    req = page.parse(personas.supervisor, YEAR_QUERY, today=cases.TODAY)
    h = figures.headline(req.scope, req.period, today=cases.TODAY)
    for ind in d.indicators(stats_config()):
        for b in ind.buckets:
            qs, _title = page.drill_cases(req, {"indicator": ind.key, "bucket": b.key})
            assert qs.count() == h["indicators"][ind.key]["buckets"][b.key], (ind.key, b.key)
    for vol in d.VOLUMES:
        qs, _title = page.drill_cases(req, {"volume": vol.key})
        assert qs.count() == h["volumes"][vol.key], vol.key
    late, _ = page.drill_cases(req, {"indicator": "on_time_reply_rate", "bucket": "late"})
    assert [p.title for p in late] == ["统计用例B"]
    overdue, _ = page.drill_cases(req, {"indicator": "timely_acceptance_rate", "bucket": "overdue"})
    assert [p.title for p in overdue] == ["统计用例E"]


def test_page_shows_rates_with_formula_and_drills_down(built: Any, personas: Any, client: Any) -> None:
    client.force_login(personas.supervisor)
    r = client.get(reverse("statistics:page"), YEAR_QUERY)
    assert r.status_code == 200
    html = r.content.decode()
    assert "按期答复率" in html and "60.00%" in html and "3 / 5" in html
    assert d.BY_KEY["on_time_reply_rate"].formula in html  # the tooltip
    assert "截至2026年6月1日" in html
    assert "echarts.min.js" in html
    r = client.get(reverse("statistics:cases"), {**YEAR_QUERY, "indicator": "on_time_reply_rate", "bucket": "overdue"})
    assert r.status_code == 200
    assert "统计用例C" in r.content.decode() and "统计用例A" not in r.content.decode()
    assert 'id="case-count">1<' in r.content.decode()


def test_bad_parameters_get_a_chinese_message(built: Any, personas: Any, client: Any) -> None:
    client.force_login(personas.supervisor)
    r = client.get(reverse("statistics:page"), {"period": "month", "value": "2026-13"})
    assert r.status_code == 200 and "统计期间“2026-13”无效" in r.content.decode()
    r = client.get(reverse("statistics:cases"), {**YEAR_QUERY, "indicator": "nope", "bucket": "x"})
    assert r.status_code == 400 and "指标或栏目无效" in r.content.decode()


def test_a_unit_sees_only_figures_of_what_it_may_see(built: Any, personas: Any, time_machine: Any, client: Any) -> None:
    # A case of another unit: the 市政所's head does not see it in the figures; the county office does.
    time_machine.move_to(cases.at("2025-08-01"), tick=False)
    from xinfang.petitions.tests.factories import register

    reg = register(personas.clerk, received_at=cases.at("2025-08-01"), title="住建局的件")
    petition_services.petition_dispatch(
        actor=personas.dispatcher, petition_id=reg.petition.pk, unit=personas.org.housing, mode="transfer"
    )
    time_machine.move_to(cases.at(cases.TODAY.isoformat()), tick=False)
    head = figures.summary(page.parse(personas.head, YEAR_QUERY, today=cases.TODAY).scope, YEAR, today=cases.TODAY)
    office = figures.summary(
        page.parse(personas.dispatcher, YEAR_QUERY, today=cases.TODAY).scope, YEAR, today=cases.TODAY
    )
    assert head["received"] == 7  # the 市政所's seven
    assert office["received"] == 9
    assert "FG-ZJJ" not in {u["unit"] for u in head["by_unit"]}
    assert "FG-ZJJ" in {u["unit"] for u in office["by_unit"]}
    # Handlers and outsiders have no statistics at all; the nav entry follows the same rule.
    client.force_login(personas.handler)
    assert client.get(reverse("statistics:page")).status_code == 403
    assert "统计分析" not in client.get(reverse("petitions:workbench")).content.decode()
    client.force_login(personas.supervisor)
    assert "统计分析" in client.get(reverse("petitions:workbench")).content.decode()
    # The other county's office sees none of 扶沟's cases.
    client.force_login(personas.outsider)
    assert client.get("/api/v1/stats/", YEAR_QUERY).status_code == 403


def test_api_returns_the_same_figures(built: Any, personas: Any, client: Any) -> None:
    client.force_login(personas.supervisor)
    r = client.get("/api/v1/stats/", YEAR_QUERY)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["received"] == 8
    assert body["on_time_reply_rate"] == pytest.approx(0.6)
    assert body["indicators"]["timely_acceptance_rate"]["buckets"] == {"met": 6, "late": 1, "overdue": 1}
    r = client.get("/api/v1/stats/", {"period": "custom", "from": "2025-12-31", "to": "2025-01-01"})
    assert r.status_code == 400 and "不能早于" in r.content.decode()
    schema = client.get("/api/schema/")
    if schema.status_code == 200:
        assert "/api/v1/stats/" in schema.content.decode()


def test_excel_export_has_every_table(built: Any, personas: Any, client: Any) -> None:
    client.force_login(personas.supervisor)
    r = client.get(reverse("statistics:export"), YEAR_QUERY)
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert {
        "主要指标",
        "按信访形式",
        "按内容分类",
        "按问题属地",
        "按承办单位",
        "按信访目的",
        "单位排名",
        "月度趋势",
    } <= set(wb.sheetnames)
    rows = {row[0]: row for row in wb["主要指标"].iter_rows(values_only=True) if row and row[0]}
    assert rows["按期答复率（按期办结率）"][1:4] == ("60.00%", 3, 5)


def test_ranking_needs_a_minimum_sample() -> None:
    def unit(code: str, num: int, den: int) -> dict[str, Any]:
        return {"unit": code, "name": code, "indicators": {"x": {"rate": figures.rate(num, den), "denominator": den}}}

    units = [unit("small", 2, 2), unit("big", 45, 50), unit("mid", 18, 20), unit("tie", 9, 10)]
    out = figures.ranking(units, "x", min_sample=10)
    # 90% each: one shared rank, the larger sample first; the 2-case unit at 100% is not ranked.
    assert [(u["unit"], u["rank"]) for u in out] == [("big", 1), ("mid", 1), ("tie", 1), ("small", None)]
    out = figures.ranking([*units, unit("low", 5, 10)], "x", min_sample=10)
    assert [(u["unit"], u["rank"]) for u in out][3] == ("low", 4)
    assert out[-1]["sample_ok"] is False


def test_command_prints_one_json_object(built: Any, personas: Any, capsys: Any) -> None:
    call_command("stats", "--office", "FG-XFJ", "--from", "2025-01-01", "--to", "2025-12-31")
    out = json.loads(capsys.readouterr().out)
    for key in (
        "received",
        "persons",
        "group_visits",
        "skip_level",
        "to_province",
        "to_beijing",
        "repeat",
        "timely_acceptance_rate",
        "on_time_reply_rate",
        "satisfaction_rate",
        "participation_rate",
        "repeat_rate",
    ):
        assert key in out
    assert out["timely_acceptance_rate"] == pytest.approx(0.75)
    assert out["to_beijing"] == 1 and out["persons"] == 13
    unit = {u["unit"]: u for u in out["by_unit"]}["FG-SZS"]
    assert unit["name"] == "扶沟县市政所" and unit["on_time_reply_rate"] == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--office", "NOPE", "--from", "2025-01-01", "--to", "2025-12-31"], "不存在"),
        (["--office", "FG-SZS", "--from", "2025-01-01", "--to", "2025-12-31"], "不是信访部门"),
        (["--office", "FG-XFJ", "--from", "2025-13-01", "--to", "2025-12-31"], "不是有效日期"),
        (["--office", "FG-XFJ", "--from", "2025-12-31", "--to", "2025-01-01"], "不能早于"),
        (["--office", "FG-XFJ"], "起止日期"),
    ],
)
def test_command_bad_arguments_exit_2(personas: Any, capsys: Any, args: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exc:
        call_command("stats", *args)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_frozen_snapshot_does_not_change_when_a_case_is_edited(built: Any, personas: Any, client: Any) -> None:
    counts = services.snapshot_month(year=2025, month_=6)
    assert counts["taken"] >= 1
    snap = Snapshot.objects.get(area_code="411621", period_start="2025-06-01")
    frozen = snap.data["summary"]
    assert frozen["received"] == 2  # F and G
    assert frozen["participation_rate"] == 0.5
    # Later, F is rated: the live figures move, the published ones do not.
    petition_services.petition_rate(petition_id=built["F"].pk, rating="satisfied")
    june = {"period": "month", "value": "2025-06", "area": "411621"}
    live = figures.summary(figures.Scope(area=personas.org.fugou), page.parse(personas.supervisor, june).period)
    assert live["participation_rate"] == 1.0
    snap.refresh_from_db()
    assert snap.data["summary"]["participation_rate"] == 0.5
    client.force_login(personas.supervisor)
    html = client.get(reverse("statistics:page"), june).content.decode()
    assert "已发布数据" in html and "第1版" in html and "50.00%" in html
    assert "截至" in client.get(reverse("statistics:page"), {**june, "live": "1"}).content.decode()
    # Run again: left alone; forced: a new version, the old one kept.
    assert services.snapshot_month(year=2025, month_=6)["taken"] == 0
    services.snapshot_month(year=2025, month_=6, force=True)
    assert Snapshot.objects.filter(area_code="411621", period_start="2025-06-01").count() == 2


def test_snapshot_command_enqueues_the_task(personas: Any, capsys: Any) -> None:
    call_command("stats_snapshot", "--month", "2025-06", "--enqueue")
    assert "enqueued" in json.loads(capsys.readouterr().out)
    assert Snapshot.objects.filter(period_start="2025-06-01").exists()  # the immediate backend in tests
    with pytest.raises(SystemExit):
        call_command("stats_snapshot", "--month", "2025-13")


def test_query_count_is_bounded(built: Any, personas: Any, django_assert_max_num_queries: Any) -> None:
    req = page.parse(personas.supervisor, YEAR_QUERY, today=cases.TODAY)
    with django_assert_max_num_queries(30):
        page.full(req)
    assert Petition.objects.count() == 8


def test_the_page_shows_both_ends_of_a_long_ranking_and_the_rest_on_the_full_table() -> None:
    from xinfang.statistics import views

    rows = [{"sample_ok": True, "name": f"单位{i:02d}"} for i in range(1, 31)] + [
        {"sample_ok": False, "name": "小单位"}
    ]
    shown, gap, small = views._overview(rows)
    names = [r.get("name") for r in shown]
    assert names[:10] == [f"单位{i:02d}" for i in range(1, 11)]
    assert shown[10] == {"gap": 10} and gap == 10
    assert names[11:] == [f"单位{i:02d}" for i in range(21, 31)]
    assert small == 1 and "小单位" not in names
    # A ranking only a little longer than both ends is shown whole.
    shown, gap, _small = views._overview(rows[:24])
    assert gap == 0 and len(shown) == 24


def test_full_ranking_page_lists_every_unit(
    built: Any, personas: Any, client: Any, settings: Any, monkeypatch: Any
) -> None:
    from xinfang.statistics import views

    settings.XINFANG_STATS = {"ranking_min_sample": 1}
    client.force_login(personas.supervisor)
    units = figures.by_unit(
        page.parse(personas.supervisor, YEAR_QUERY, today=cases.TODAY).scope, YEAR, today=cases.TODAY
    )
    ranked = figures.ranking(units, "on_time_reply_rate", min_sample=1)
    assert ranked and all(u["sample_ok"] for u in ranked)
    # Both ends of zero rows each: every unit is in the gap, named on the full ranking only.
    monkeypatch.setattr(views, "OVERVIEW_EACH_END", 0)
    monkeypatch.setattr(views, "OVERVIEW_SLACK", 0)
    html = client.get(reverse("statistics:page"), YEAR_QUERY).content.decode()
    section = html[html.index('id="ranking"') : html.index("</section>", html.index('id="ranking"'))]
    assert f"中间{len(ranked)}个单位见完整排名" in section
    assert "样本（该指标分母）不足1件的单位不参与排名" in section
    assert not any(f"<td>{u['name']}</td>" in section for u in ranked)
    assert reverse("statistics:ranking") in section
    r = client.get(reverse("statistics:ranking"), {**YEAR_QUERY, "rank": "satisfaction_rate"})
    assert r.status_code == 200
    full = r.content.decode()
    by_satisfaction = figures.ranking(units, "satisfaction_rate", min_sample=1)
    assert by_satisfaction
    assert all(f"<td>{u['name']}</td>" in full for u in by_satisfaction)
    assert 'value="satisfaction_rate" selected' in full
    # The same access rule and the same messages as the page.
    r = client.get(reverse("statistics:ranking"), {"period": "month", "value": "2026-13"})
    assert r.status_code == 200 and "统计期间“2026-13”无效" in r.content.decode()
    client.force_login(personas.handler)
    assert client.get(reverse("statistics:ranking"), YEAR_QUERY).status_code == 403


@pytest.mark.parametrize("query", [YEAR_QUERY, {"period": "month", "value": "2025-06", "area": "411621"}])
def test_the_page_s_breakdowns_and_trend_equal_those_counted_alone(
    built: Any, personas: Any, query: dict[str, str]
) -> None:
    """The page takes the unit breakdown from its headline's rows and the trend's last months from its
    headlines: the same figures as the breakdowns and the trend counted by themselves (as a snapshot is)."""
    req = page.parse(personas.supervisor, query, today=cases.TODAY)
    data = page.full(req)
    assert data["breakdowns"] == volumes.breakdowns(req.scope, req.period, today=cases.TODAY)
    assert data["trend"] == volumes.trend(req.scope, req.period, today=cases.TODAY)
    units = {r["code"]: r["batches"] for r in data["breakdowns"]["unit"]}
    assert units == ({"FG-SZS": 7, "": 1} if query is YEAR_QUERY else {"FG-SZS": 2})


def test_a_ranking_cell_without_cases_is_a_dash_without_a_link(
    built: Any, personas: Any, client: Any, settings: Any
) -> None:
    """In the 市政所's row the 信访部门's acceptance rate has no cases (0/0): a dash, not a link to an empty list;
    its reply rate links to exactly its cases."""
    import re

    settings.XINFANG_STATS = {"ranking_min_sample": 1}
    client.force_login(personas.supervisor)
    html = client.get(reverse("statistics:ranking"), YEAR_QUERY).content.decode()
    unit = personas.org.municipal
    row = re.search(rf"<tr[^>]*><td>[^<]*</td><td>{unit.name}</td>.*?</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)[3:]  # after 名次, 单位, 收到
    labels = [c.label for c in d.indicators(stats_config())]
    office = cells[labels.index("信访部门及时受理率")]
    assert "<a" not in office and "—" in office and "0/0" not in office
    reply = cells[labels.index("按期答复率（按期办结率）")]
    href = re.search(r'href="([^"]+)"', reply)
    assert (
        href is not None and f"unit_id={unit.pk}" in href.group(1) and "indicator=on_time_reply_rate" in href.group(1)
    )
