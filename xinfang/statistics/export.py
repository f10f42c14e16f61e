"""Every table of the 统计分析 page as an Excel workbook (openpyxl): the same figures, one sheet a table."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from openpyxl.styles import Font

from . import definitions as d
from .config import stats_config


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def workbook(req: Any, data: dict[str, Any]) -> bytes:
    cfg = stats_config()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "主要指标"
    scope = req.area.name if req.area else "可见范围"
    ws.append([f"{scope} {req.period.label} 信访统计（截至{req.today:%Y年%m月%d日}）"])
    ws["A1"].font = Font(bold=True)
    ws.append(["指标", "数值", "分子", "分母", "上期", "去年同期", "口径"])
    h = data["headline"]
    for ind in d.indicators(cfg):
        b = h["indicators"][ind.key]
        ws.append(
            [
                ind.label,
                _pct(b["rate"]),
                b["numerator"],
                b["denominator"],
                _pct(data["previous"]["indicators"][ind.key]["rate"]),
                _pct(data["last_year"]["indicators"][ind.key]["rate"]),
                ind.formula,
            ]
        )
    ws.append([])
    ws.append(["信访量", "本期", "上期", "去年同期", "口径"])
    for v in d.VOLUMES:
        ws.append(
            [
                v.label,
                h["volumes"][v.key],
                data["previous"]["volumes"][v.key],
                data["last_year"]["volumes"][v.key],
                v.formula,
            ]
        )
    for key, label in d.PERSONS_LABELS.items():
        ws.append([label, h["volumes"][key], data["previous"]["volumes"][key], data["last_year"]["volumes"][key], ""])
    labels = {k: label for k, label, _f in d.BREAKDOWNS}
    for key, rows in data["breakdowns"].items():
        sheet = wb.create_sheet(f"按{labels[key]}")
        sheet.append([labels[key], "代码", "批次", "人次"])
        for r in rows:
            sheet.append([r["name"], r["code"], r["batches"], r["persons"]])
    sheet = wb.create_sheet("单位排名")
    inds = d.indicators(cfg)
    sheet.append(["名次", "单位", "单位编码", "收到件数", *[i.label for i in inds], "备注"])
    for u in data["ranking"]:
        sheet.append(
            [
                u["rank"] or "",
                u["name"],
                u["unit"],
                u["received"],
                *[_pct(u["indicators"][i.key]["rate"]) for i in inds],
                "" if u["sample_ok"] else f"样本不足{data['min_sample']}件，不参与排名",
            ]
        )
    sheet = wb.create_sheet("月度趋势")
    sheet.append(["月份", "批次", "人次", "重复信访", "集体访", "越级访"])
    for t in data["trend"]:
        sheet.append([t["month"], t["received"], t["persons"], t["repeat"], t["group_visits"], t["skip_level"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
