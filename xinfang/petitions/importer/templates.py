"""The blank template a clerk downloads (.xlsx with notes, .csv)."""

from __future__ import annotations

import csv
import io

from .columns import COLUMNS, HEADERS


def template_xlsx() -> bytes:
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "信访事项"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append(
        [
            "",
            "来信",
            "2024-03-15",
            "王某某",
            "11010519491231002X",
            "13812345678",
            "某县某镇某村",
            "1",
            "411621",
            "602015",
            "求决",
            "建设街窨井盖破损",
            "建设街与人民路交叉口窨井盖破损，请尽快修复。",
            "已办结",
            "",
            "2024-04-02",
            "支持",
            "已于3月20日更换井盖。",
        ]
    )
    for i, header in enumerate(HEADERS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = max(12, min(40, len(header) * 2))
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "必填", "说明"])
    for _key, header, required, note in COLUMNS:
        notes.append([header, "是" if required else "否", note])
    notes.append([])
    notes.append(
        ["说明", "", "第2行为示例，导入前请删除。同一文件重复导入不会重复登记。身份证号、电话导入后加密保存。"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(HEADERS)
    return out.getvalue().encode("utf-8-sig")
