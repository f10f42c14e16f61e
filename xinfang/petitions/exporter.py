"""Export a staff list (the same filters as the list page) to .xlsx: personal data masked, audited.

Only what `selectors.petition_list` returns for the user is exported (it scopes by access). The
workbook is written with openpyxl's write-only mode to a temporary file, row by row from a
server-side iterator, so memory stays flat whatever the size.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import IO, Any, cast

from django.conf import settings

from xinfang.accounts.models import Unit
from xinfang.core.access_log import access_log
from xinfang.core.audit import audit_record
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import AccessLog
from xinfang.core.timeutil import SHANGHAI
from xinfang.petitions.access import can_see_identity

from . import selectors
from .models import Petition

FILTER_KEYS = ("q", "status", "channel", "category", "area", "deadline_state", "date_from", "date_to", "inbox")

COLUMNS: list[tuple[str, int]] = [
    ("编号", 20),
    ("信访形式", 10),
    ("收到时间", 17),
    ("信访人", 10),
    ("身份证号", 20),
    ("联系电话", 14),
    ("信访人数", 8),
    ("问题属地", 12),
    ("内容分类", 12),
    ("信访目的", 10),
    ("标题", 40),
    ("状态", 12),
    ("登记部门", 18),
    ("承办单位", 18),
    ("当前期限", 12),
    ("期限状态", 10),
    ("办结时间", 17),
]


def max_rows() -> int:
    return int(getattr(settings, "XINFANG_EXPORT_MAX_ROWS", 100_000))


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else ""


def row_for(user: Any, p: Petition) -> list[Any]:
    """One exported row. Names, ID and phone numbers are masked; a confidential petitioner whose identity
    the user may not see is left out entirely."""
    visible = can_see_identity(user, p)
    return [
        p.number,
        p.get_channel_display(),
        _when(p.received_at),
        p.petitioner_name_masked if visible else "（保密）",
        p.id_number_masked if visible else "",
        p.phone_masked if visible else "",
        p.headcount,
        p.area.name if p.area_id else "",
        str(p.category) if p.category_id else "",
        p.get_purpose_display(),
        p.title,
        p.get_status_display(),
        p.office_unit.name if p.office_unit_id else "",
        cast(Unit, p.current_unit).name if p.current_unit_id else "",
        p.due_date.isoformat() if p.due_date else "",
        p.get_deadline_state_display(),
        _when(p.closed_at),
    ]


def export_petitions(*, user: Any, filters: dict[str, Any], ip: str | None = None) -> tuple[IO[bytes], int]:
    """Write the filtered list to a temporary .xlsx; returns the open file (at position 0) and the count.

    Refuses (ValidationFailed) more than XINFANG_EXPORT_MAX_ROWS rows: narrow the filters first."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    clean = {k: v for k, v in filters.items() if k in FILTER_KEYS and v not in (None, "")}
    qs = selectors.petition_list(user=user, **clean)
    count = qs.count()
    if count > max_rows():
        raise ValidationFailed(
            f"符合条件的信访事项有{count}件，超过单次导出{max_rows()}件的上限，请缩小查询范围后再导出"
        )
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("信访事项")
    for i, (_title, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = width
    bold = Font(bold=True)
    header = []
    for title, _w in COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    written = 0
    for p in qs.select_related("category__parent").iterator(chunk_size=2000):
        ws.append(row_for(user, p))
        written += 1
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response, which closes it
    wb.save(out)
    out.seek(0)
    audit_record(
        actor=user,
        action="petition.export",
        ip=ip,
        data={"filters": {k: str(v) for k, v in clean.items()}, "count": written},
    )
    access_log(
        actor=user,
        kind=AccessLog.Kind.EXPORT,
        target=f"信访事项导出（{written} 件）",
        ip=ip,
        data={"filters": {k: str(v) for k, v in clean.items() if v}, "count": written},
    )
    return out, written
