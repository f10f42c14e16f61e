"""Excel import of a screening list (排查台账), the way a township reports its 排查 results.

One row per dispute. Every row goes through `services.dispute_register` (the same rules as the form);
the report lists every bad row with its Chinese messages. By default a file with any bad row imports
nothing (so the township fixes and sends the whole list again); `partial` imports the good rows."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from xinfang.accounts.models import Area, Unit
from xinfang.core.audit import audit_record
from xinfang.core.errors import DomainError

from . import services
from .models import CaseClass, DisputeType, RiskGrade, Source

COLUMNS = (
    "乡镇（街道）",
    "村（社区）",
    "纠纷类型",
    "风险等级",
    "案件类别",
    "标题",
    "简要情况",
    "当事人",
    "身份证号",
    "联系电话",
    "涉及人数",
    "排查日期",
    "责任单位",
    "责任人",
    "稳控措施",
    "挂图作战",
)
REQUIRED = ("乡镇（街道）", "纠纷类型", "风险等级", "简要情况")
MAX_ROWS = 5000


@dataclass
class ImportReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)  # dispute numbers
    errors: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number in the sheet, messages)
    fatal: str = ""
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read(data: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(c) for c in next(rows, ())]
    body = [(i, list(r)) for i, r in enumerate(rows, start=2) if any(_text(c) for c in r)]
    return header, body


def _lookup(labels: Any, value: str) -> str | None:
    for code, label in labels:
        if value in (code, str(label)):
            return str(code)
    return None


def _grade(value: str, grades: list[RiskGrade]) -> RiskGrade | None:
    for g in grades:
        if value in (g.code, g.name, g.name.removesuffix("色")):
            return g
    return None


def _row_kwargs(
    cells: dict[str, str], raw: dict[str, Any], *, office: Unit, grades: list[RiskGrade]
) -> tuple[dict[str, Any], list[str]]:
    problems = [f"“{c}”未填写" for c in REQUIRED if not cells.get(c)]
    town = Area.objects.filter(
        path__startswith=office.area.path, name=cells["乡镇（街道）"], level=Area.Level.TOWNSHIP
    ).first()
    if cells["乡镇（街道）"] and town is None:
        problems.append(f"乡镇（街道）“{cells['乡镇（街道）']}”不在{office.area.name}的区划内")
    area = town
    if town and cells.get("村（社区）"):
        area = Area.objects.filter(parent=town, name=cells["村（社区）"]).first()
        if area is None:
            problems.append(f"{town.name}没有村（社区）“{cells['村（社区）']}”，请先在区划中维护")
    dispute_type = _lookup(DisputeType.choices, cells["纠纷类型"]) if cells["纠纷类型"] else None
    if cells["纠纷类型"] and dispute_type is None:
        problems.append(
            f"纠纷类型“{cells['纠纷类型']}”无效，可填：" + "、".join(str(lbl) for _c, lbl in DisputeType.choices)
        )
    grade = _grade(cells["风险等级"], grades) if cells["风险等级"] else None
    if cells["风险等级"] and grade is None:
        problems.append(f"风险等级“{cells['风险等级']}”无效，可填：" + "、".join(g.name for g in grades))
    case_class = _lookup(CaseClass.choices, cells.get("案件类别") or str(CaseClass.FIRST.label))
    if case_class is None:
        problems.append(f"案件类别“{cells['案件类别']}”无效，可填：初信初访、重信重访、历史积案")
    headcount = 1
    if cells.get("涉及人数"):
        try:
            headcount = int(cells["涉及人数"])
        except ValueError:
            problems.append("涉及人数须为整数")
    found = raw.get("排查日期")
    found_on = None
    if isinstance(found, dt.datetime):
        found_on = found.date()
    elif isinstance(found, dt.date):
        found_on = found
    elif cells.get("排查日期"):
        try:
            found_on = dt.date.fromisoformat(cells["排查日期"].replace("/", "-").replace(".", "-"))
        except ValueError:
            problems.append(f"排查日期“{cells['排查日期']}”无法识别（如 2026-11-02）")
    unit = None
    if cells.get("责任单位"):
        unit = Unit.objects.filter(area__path__startswith=office.area.path, name=cells["责任单位"]).first()
        unit = (
            unit or Unit.objects.filter(area__path__startswith=office.area.path, short_name=cells["责任单位"]).first()
        )
        if unit is None:
            problems.append(f"责任单位“{cells['责任单位']}”不存在")
    marked = cells.get("挂图作战", "") in ("是", "Y", "y", "1", "√")
    parties = []
    if cells.get("当事人") or cells.get("身份证号") or cells.get("联系电话"):
        parties.append(
            {
                "name": cells.get("当事人", ""),
                "id_number": cells.get("身份证号", ""),
                "phone": cells.get("联系电话", ""),
            }
        )
    kwargs = {
        "area": area,
        "dispute_type": dispute_type,
        "grade": grade,
        "case_class": case_class,
        "title": cells.get("标题", ""),
        "summary": cells.get("简要情况", ""),
        "headcount": headcount,
        "found_on": found_on,
        "responsible_unit": unit,
        "responsible_person": cells.get("责任人", ""),
        "measures": cells.get("稳控措施", ""),
        "marked": marked,
        "parties": parties,
    }
    return kwargs, problems


def screening_import(
    *, actor: Any, office: Unit, data: bytes, campaign: Any = None, partial: bool = False
) -> ImportReport:
    report = ImportReport()
    try:
        header, body = _read(data)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        report.fatal = "无法读取文件：请上传 Excel 工作簿（.xlsx）"
        return report
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        report.fatal = "表头缺少列：" + "、".join(missing) + "（请使用排查台账模板，第一行为表头）"
        return report
    if len(body) > MAX_ROWS:
        report.fatal = f"一次最多导入{MAX_ROWS}行，请分批导入"
        return report
    report.rows = len(body)
    grades = list(RiskGrade.objects.filter(active=True))
    with transaction.atomic():
        for number, values in body:
            raw = {h: values[i] if i < len(values) else None for i, h in enumerate(header)}
            cells = {h: _text(v) for h, v in raw.items()}
            kwargs, problems = _row_kwargs(cells, raw, office=office, grades=grades)
            if problems:
                report.errors.append((number, problems))
                continue
            try:
                with transaction.atomic():
                    dispute = services.dispute_register(
                        actor=actor, office=office, source=Source.SCREENING, campaign=campaign, **kwargs
                    )
            except DomainError as exc:
                msgs = [m for ms in getattr(exc, "errors", {"": [exc.message]}).values() for m in ms]
                report.errors.append((number, msgs))
                continue
            report.created.append(dispute.number)
        if report.errors and not partial:
            transaction.set_rollback(True)
            report.created = []
            return report
        report.written = bool(report.created)
        audit_record(
            actor=actor,
            action="dispute.import",
            target_type="screening.dispute",
            unit_id=office.pk,
            data={"rows": report.rows, "created": len(report.created), "errors": len(report.errors)},
        )
    return report
