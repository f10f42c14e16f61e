"""The 月报/季报 (.docx through the document service): opens in python-docx, carries the figures the
service computes for the period, the tables and the charts as images; stored as Document versions."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document as Docx

from xinfang.core.models import AuditEvent
from xinfang.documents.models import Document
from xinfang.statistics import charts, figures, periods, services, volumes
from xinfang.statistics.report import KIND

from . import cases


@pytest.fixture
def built(personas: Any, time_machine: Any) -> dict[str, Any]:
    return cases.build(personas, time_machine)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.2f}%"


def _open(content: bytes) -> tuple[Any, str, list[list[str]]]:
    doc = Docx(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return doc, text, rows


def _images(doc: Any) -> list[bytes]:
    return [
        rel.target_part.blob for rel in doc.part.rels.values() if rel.reltype.endswith("/image") and not rel.is_external
    ]


def test_command_writes_the_monthly_report_with_the_service_figures(
    built: Any, personas: Any, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "月报.docx"
    call_command("stats_report", "--office", "FG-XFJ", "--period", "2025-06", "--out", str(out))
    assert "扶信统〔2026〕1号" in capsys.readouterr().out
    doc, text, rows = _open(out.read_bytes())
    period = periods.month(2025, 6)
    s = figures.summary(figures.Scope(area=personas.org.fugou), period, today=cases.TODAY)
    assert "扶沟县信访局" in text and "扶信统〔2026〕1号" in text
    assert "扶沟县2025年6月信访工作统计月报" in text
    assert f"共收到信访事项{s['received']}批次、{s['persons']}人次" in text
    assert s["received"] == 2  # F and G were received in June 2025
    assert "实时数据，截至2026年6月1日" in text
    reply = s["indicators"]["on_time_reply_rate"]
    row = next(r for r in rows if r[0] == "按期答复率（按期办结率）")
    assert row[1:4] == [_pct(reply["rate"]), str(reply["numerator"]), str(reply["denominator"])]
    sat = s["indicators"]["satisfaction_rate"]
    row = next(r for r in rows if r[0] == "群众满意率")
    assert row[1:4] == [_pct(sat["rate"]), str(sat["numerator"]), str(sat["denominator"])]
    row = next(r for r in rows if r[0] == "信访总量")
    assert row[1:3] == [str(s["received"]), str(s["persons"])]
    assert any(r[1] == "扶沟县市政所" for r in rows)  # the unit ranking
    images = _images(doc)
    assert len(doc.inline_shapes) == 4 and len(images) == 4
    assert all(img.startswith(b"\x89PNG") and len(img) > 2000 for img in images)
    assert "{{" not in text and "{%" not in text

    stored = Document.objects.get(kind=KIND)
    assert stored.doc_number == "扶信统〔2026〕1号" and stored.version == 1
    assert stored.subject_type == "stats.month.202506" and stored.issuer == personas.org.county_office
    assert AuditEvent.objects.filter(action="statistics.report").count() == 1
    call_command("stats_report", "--office", "FG-XFJ", "--period", "2025-06", "--out", str(out))
    again = Document.objects.filter(kind=KIND).order_by("-version").first()
    assert again is not None and again.version == 2 and again.doc_number == "扶信统〔2026〕2号"


def test_quarterly_report_from_the_page_button(built: Any, personas: Any, client: Any) -> None:
    client.force_login(personas.supervisor)
    page = client.get(reverse("statistics:page"), {"period": "quarter", "value": "2025-Q2", "area": "411621"})
    assert 'id="report-button"' in page.content.decode() and "下载季报" in page.content.decode()
    r = client.post(reverse("statistics:report"), {"period": "quarter", "value": "2025-Q2", "area": "411621"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc, text, rows = _open(r.content)
    s = figures.summary(figures.Scope(area=personas.org.fugou), periods.quarter(2025, 2), today=cases.TODAY)
    assert "扶沟县2025年第2季度信访工作统计季报" in text
    assert f"共收到信访事项{s['received']}批次" in text and s["received"] == 5  # C D E F G
    row = next(r for r in rows if r[0] == "信访部门及时受理率")
    block = s["indicators"]["timely_acceptance_rate"]
    assert row[1:4] == [_pct(block["rate"]), str(block["numerator"]), str(block["denominator"])]
    assert len(_images(doc)) == 4
    assert Document.objects.get(kind=KIND).created_by == personas.supervisor


def test_report_uses_the_published_snapshot(built: Any, personas: Any, client: Any) -> None:
    services.snapshot_take(area=personas.org.fugou, period=periods.month(2025, 6))
    client.force_login(personas.supervisor)
    r = client.post(reverse("statistics:report"), {"period": "month", "value": "2025-06", "area": "411621"})
    assert r.status_code == 200
    _doc, text, _rows = _open(r.content)
    assert "2025年6月已发布数据（第1版" in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "year", "value": "2025", "area": "411621"}, "按月或按季度"),
        ({"period": "month", "value": "2025-13", "area": "411621"}, "统计期间"),
        ({"period": "month", "value": "2025-06", "area": "411621100"}, "没有信访部门"),
    ],
)
def test_bad_report_requests_get_a_chinese_message(
    built: Any, personas: Any, client: Any, params: dict[str, str], message: str
) -> None:
    client.force_login(personas.supervisor)
    r = client.post(reverse("statistics:report"), params)
    assert r.status_code == 400 and message in r.content.decode()
    assert not Document.objects.filter(kind=KIND).exists()


def test_report_needs_a_stats_post(personas: Any, client: Any) -> None:
    client.force_login(personas.handler)
    r = client.post(reverse("statistics:report"), {"period": "month", "value": "2025-06", "area": "411621"})
    assert r.status_code == 403
    assert client.get(reverse("statistics:report")).status_code == 405


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # what the fallback means: no Chinese glyphs
def test_charts_fall_back_without_a_cjk_font(monkeypatch: Any) -> None:
    charts.cjk_font.cache_clear()
    monkeypatch.setattr(charts, "FONT_DIRS", ("/nonexistent",))
    monkeypatch.setattr(charts, "CJK_FAMILIES", ())
    try:
        assert charts.cjk_font() is None
        png = charts.pie_chart([{"name": "来信", "batches": 3}, {"name": "来访", "batches": 1}])
        assert png.startswith(b"\x89PNG")
    finally:
        charts.cjk_font.cache_clear()


def test_charts_use_the_installed_cjk_font() -> None:
    if not Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists():
        pytest.skip("fonts-noto-cjk is not installed")
    charts.cjk_font.cache_clear()
    assert charts.cjk_font() == "Noto Sans CJK SC"  # the Simplified Chinese face of the .ttc


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--office", "NOPE", "--period", "2025-06", "--out", "x.docx"], "不存在"),
        (["--office", "FG-SZS", "--period", "2025-06", "--out", "x.docx"], "不是信访部门"),
        (["--office", "FG-XFJ", "--out", "x.docx"], "--period"),
        (["--office", "FG-XFJ", "--period", "2025-Q2", "--out", "x.docx"], "无效"),
        (["--office", "FG-XFJ", "--period", "2025-06"], "--out"),
    ],
)
def test_command_bad_arguments_exit_2(personas: Any, capsys: Any, args: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exc:
        call_command("stats_report", *args)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert not Document.objects.filter(kind=KIND).exists()


def test_a_published_report_draws_the_trend_as_it_was_frozen(built: Any, personas: Any) -> None:
    from xinfang.petitions.models import Petition
    from xinfang.statistics import page
    from xinfang.statistics.report import figures_for

    snap = services.snapshot_take(area=personas.org.fugou, period=periods.month(2025, 6))
    frozen = snap.data["trend"]
    assert [m["month"] for m in frozen][-1] == "2025-06" and sum(m["received"] for m in frozen) > 0
    # Later, a case of the window is moved to another month (a correction of its receipt date).
    case = Petition.objects.filter(area_path__startswith=personas.org.fugou.path).order_by("received_at").last()
    assert case is not None
    Petition.objects.filter(pk=case.pk).update(received_at=case.received_at.replace(year=2024))
    req = page.parse(personas.supervisor, {"period": "month", "value": "2025-06", "area": "411621"})
    live = volumes.trend(req.scope, req.period)
    assert live != frozen
    data, used = figures_for(req)
    assert used is not None and data["trend"] == frozen
