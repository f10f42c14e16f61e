"""The hand-built set brought in from an old system's spreadsheet counts exactly as when handled here."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from xinfang.petitions import importer
from xinfang.petitions.models import Petition
from xinfang.statistics import figures
from xinfang.statistics.figures import Scope

from . import cases
from .test_indicators import YEAR, check

STATUS = {
    "A": "已办结",
    "B": "已办结",
    "C": "办理中",
    "D": "待受理",
    "E": "待分办",
    "F": "已答复",
    "G": "已答复",
    "H": "待受理",
}
RATING = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}


def sheet() -> bytes:
    keys = [c[0] for c in importer.COLUMNS]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(importer.HEADERS)
    for key, plan in cases.PLAN.items():
        row = {
            "channel": "来电",
            "received": plan["reg"] + " 10:00",
            "name": f"信访人{key}",
            "headcount": str(plan.get("headcount", 1)),
            "no_representative_reason": "现场未推选代表" if plan.get("headcount") else "",
            "area": "411621",
            "category": "602015",
            "title": f"统计用例{key}",
            "content": "历史数据：建设街窨井盖破损。",
            "status": STATUS[key],
            "unit": "FG-SZS" if "dispatch" in plan else "",
            "closed": plan["reply"] + " 10:00" if STATUS[key] == "已办结" else "",
            "outcome": "支持" if "reply" in plan else "",
            "dispatched": plan.get("dispatch", "") and plan["dispatch"] + " 10:00",
            "accepted": plan.get("accept", "") and plan["accept"] + " 10:00",
            "replied": plan.get("reply", "") and plan["reply"] + " 10:00",
            "rating": RATING.get(plan.get("rating", ""), ""),
            "repeat": "是" if plan.get("repeat") else "否",
            "skip": {"beijing": "赴京", "province": "赴省"}.get(plan.get("skip", ""), ""),
        }
        ws.append([row.get(k, "") for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_imported_history_gives_the_same_figures(personas: Any, time_machine: Any) -> None:
    time_machine.move_to(cases.at(cases.TODAY.isoformat()), tick=False)
    report = importer.import_file(io.BytesIO(sheet()), filename="old.xlsx", actor=personas.clerk)
    assert report.created == 8, report.summary()
    s = figures.summary(Scope(area=personas.org.fugou), YEAR, today=cases.TODAY)
    check(s, cases.EXPECTED)
    unit = {u["unit"]: u for u in s["by_unit"]}["FG-SZS"]
    assert unit["timely_acceptance_rate"] == pytest.approx(4 / 7, abs=1e-4)
    assert unit["on_time_reply_rate"] == pytest.approx(0.6)
    assert Petition.objects.get(title="统计用例H").skip_level_to == "beijing"


def test_handled_here_and_imported_agree(personas: Any, time_machine: Any) -> None:
    cases.build(personas, time_machine)
    here = figures.summary(Scope(area=personas.org.fugou), YEAR, today=cases.TODAY)
    report = importer.import_file(io.BytesIO(sheet()), filename="old.xlsx", actor=personas.clerk)
    assert report.created == 8, report.summary()
    both = figures.summary(Scope(area=personas.org.fugou), YEAR, today=cases.TODAY)
    for key in ("received", "persons", "repeat", "to_beijing"):
        assert both[key] == 2 * here[key]
    for key in ("timely_acceptance_rate", "unit_timely_acceptance_rate", "on_time_reply_rate", "satisfaction_rate"):
        assert both["indicators"][key]["denominator"] == 2 * here["indicators"][key]["denominator"]
        assert both[key] == here[key]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("rating", "还行", "不是有效的评价"),
        ("repeat", "也许", "重复信访应填"),
        ("skip", "赴市", "越级应填"),
        ("accepted", "2025-02-01", "早于前一环节"),
    ],
)
def test_bad_history_columns_are_reported(personas: Any, column: str, value: str, message: str) -> None:
    keys = [c[0] for c in importer.COLUMNS]
    row = {
        "channel": "来电",
        "received": "2025-03-01",
        "area": "411621",
        "content": "历史数据",
        "status": "已办结",
        "unit": "FG-SZS",
        "closed": "2025-03-20",
        "replied": "2025-03-20",
        column: value,
    }
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(importer.HEADERS)
    ws.append([row.get(k, "") for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    report = importer.import_file(io.BytesIO(buf.getvalue()), filename="bad.xlsx", actor=personas.clerk)
    assert report.created == 0
    assert message in report.summary() + " ".join(str(p) for p in report.problems)
    assert not Petition.objects.exists()
