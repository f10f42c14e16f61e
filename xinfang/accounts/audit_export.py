"""The access log as a file: CSV (UTF-8 with BOM, so that Excel opens it in Chinese) or Excel (.xlsx)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils import timezone

from xinfang.core.models import AccessLog
from xinfang.core.timeutil import SHANGHAI

EXPORT_FORMATS = ("csv", "xlsx")
COLUMNS = (("时间", 20), ("访问人", 16), ("类型", 14), ("信访件编号", 20), ("访问对象", 40), ("IP 地址", 16))


def max_rows() -> int:
    return int(getattr(settings, "XINFANG_EXPORT_MAX_ROWS", 100_000))


def _rows(qs: QuerySet[AccessLog]) -> Iterator[list[Any]]:
    labels = dict(AccessLog.Kind.choices)
    fields = ("at", "actor_label", "kind", "reference", "target", "ip")
    for at, actor, kind, reference, target, ip in qs.values_list(*fields).iterator(chunk_size=2000):
        yield [
            at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
            actor,
            str(labels.get(kind, kind)),
            reference,
            target,
            ip or "",
        ]


class TooMany(Exception):
    def __init__(self, count: int) -> None:
        super().__init__(f"符合条件的访问记录有{count}条，超过单次导出{max_rows()}条的上限，请缩小筛选范围后再导出")


def export_response(qs: QuerySet[AccessLog], fmt: str) -> tuple[HttpResponseBase, int]:
    """The file's response and how many rows it holds. TooMany above XINFANG_EXPORT_MAX_ROWS."""
    count = qs.count()
    if count > max_rows():
        raise TooMany(count)
    stamp = timezone.localtime(timezone.now(), SHANGHAI).strftime("%Y%m%d-%H%M%S")
    if fmt == "csv":
        buf = io.StringIO()
        buf.write("\ufeff")
        writer = csv.writer(buf)
        writer.writerow([title for title, _w in COLUMNS])
        writer.writerows(_rows(qs))
        response = HttpResponse(buf.getvalue().encode(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
        return response, count
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("访问日志")
    for i, (_title, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = width
    header = []
    for title, _w in COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in _rows(qs):
        ws.append(row)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response, which closes it
    wb.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"access-log-{stamp}.xlsx"), count
