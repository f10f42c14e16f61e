"""Running an import: the office, the whole file all-or-nothing or partial, written in batches."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import IO, Any

from django.db import transaction

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Area, Role, Unit
from xinfang.core.errors import NotPermitted, ValidationFailed
from xinfang.core.timeutil import SHANGHAI

from .. import bulk
from ..models import Category, ImportRecord, Petition
from .columns import COLUMNS, HEADER_ALIASES, KEY_BY_HEADER, max_rows
from .files import check_size, read_rows
from .report import FileRejected, ImportReport, Problem
from .rows import Lookups, fingerprint, parse_row


def import_office(actor: Any, office_code: str = "") -> Unit:
    """The 信访部门 the import registers under: one where the actor is clerk or dispatcher (or, from the
    command line without an actor, the office named by its code)."""
    if office_code:
        office: Unit | None = Unit.objects.select_related("area").filter(code=office_code, active=True).first()
        if office is None or office.kind != Unit.Kind.XINFANG:
            raise ValidationFailed(f"找不到编码为“{office_code}”的信访部门", field="office")
    else:
        office = None
    if actor is None or not getattr(actor, "is_authenticated", False):
        if office is None:
            raise ValidationFailed("请用 --office 指定登记的信访部门编码", field="office")
        return office
    ctx = actor_context(actor)
    offices = [u for u in ctx.units_with(Role.CLERK, Role.DISPATCHER) if u.kind == Unit.Kind.XINFANG]
    if office is None:
        office = offices[0] if offices else None
    if office is None or office.pk not in {u.pk for u in offices}:
        raise NotPermitted("只有信访部门的登记员或受理分办人员可以导入信访事项")
    return office


def import_file(
    data: IO[bytes],
    *,
    filename: str,
    actor: Any = None,
    office_code: str = "",
    partial: bool = False,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
    batch_size: int = 2000,
    max_size: int | None = None,
) -> ImportReport:
    """Validate and import a file. Never raises for bad content: the report says what was wrong.

    `progress` is called with the number of rows read every 500 rows; `total` once with the number of
    rows below the header, before the first row is imported (see read_rows)."""
    report = ImportReport(filename=filename, partial=partial)
    try:
        office = import_office(actor, office_code)
        data.seek(0, io.SEEK_END)
        check_size(data.tell(), max_size)
        data.seek(0)
        rows = read_rows(data, filename, total)
        header = next(rows, None)
        keys = header_keys(header)
    except (FileRejected, ValidationFailed, NotPermitted) as exc:
        report.problems.append(Problem(0, "", exc.message))
        return report
    except StopIteration:
        report.problems.append(Problem(0, "", "文件是空的"))
        return report
    office = Unit.objects.select_related("area").get(pk=office.pk)
    lk = Lookups(
        office=office,
        areas={a.code: a for a in Area.objects.filter(active=True, path__startswith=office.area.path)},
        categories={c.code: c for c in Category.objects.filter(active=True)},
        units={u.code: u for u in Unit.objects.filter(active=True).select_related("parent")},
    )
    now = dt.datetime.now(tz=SHANGHAI)
    seen: set[str] = set()
    known_numbers: set[str] = set()
    batch: list[tuple[bulk.PetitionPlan, str]] = []
    try:
        with transaction.atomic():
            try:
                for index, cells in enumerate(rows, start=2):
                    if not any(cells):
                        continue
                    report.rows += 1
                    if progress and report.rows % 500 == 0:  # counted here so that bad rows move it too
                        progress(report.rows)
                    if report.rows > max_rows():
                        report.problems.append(Problem(0, "", f"数据超过{max_rows()}行的上限，请拆分后分批导入"))
                        break
                    values = {key: (cells[i] if i < len(cells) else "") for i, key in keys}
                    plan, problems = parse_row(values, index, lk, now)
                    if problems:
                        report.problems.extend(problems)
                        continue
                    assert plan is not None
                    fp = fingerprint(values)
                    if fp in seen or (plan.number and plan.number in known_numbers):
                        report.duplicates += 1
                        continue
                    seen.add(fp)
                    if plan.number:
                        known_numbers.add(plan.number)
                    batch.append((plan, fp))
                    if len(batch) >= batch_size:
                        if partial or not report.problems:  # all-or-nothing: stop writing at the first problem
                            _flush(batch, report, actor, filename)
                        batch = []
                if batch and (partial or not report.problems):
                    _flush(batch, report, actor, filename)
            except FileRejected as exc:
                report.problems.append(Problem(0, "", exc.message))
            if report.fatal or (report.problems and not partial):
                report.created, report.first, report.last = 0, "", ""
                raise _Rollback
    except _Rollback:
        report.committed = False
    else:
        report.committed = report.created > 0
    if progress:
        progress(report.rows)
    return report


class _Rollback(Exception):
    pass


def _flush(batch: list[tuple[bulk.PetitionPlan, str]], report: ImportReport, actor: Any, filename: str) -> None:
    """Drop rows imported before (fingerprint or 编号 already stored), write the rest, record fingerprints."""
    fps = [fp for _p, fp in batch]
    done = set(ImportRecord.objects.filter(fingerprint__in=fps).values_list("fingerprint", flat=True))
    numbers = [p.number for p, _fp in batch if p.number]
    taken = set(Petition.objects.filter(number__in=numbers).values_list("number", flat=True)) if numbers else set()
    fresh = [(p, fp) for p, fp in batch if fp not in done and p.number not in taken]
    report.duplicates += len(batch) - len(fresh)
    if not fresh:
        return
    result = bulk.bulk_write([p for p, _fp in fresh], actor=actor or "数据导入", source=f"import:{filename}"[:200])
    ImportRecord.objects.bulk_create(
        [
            ImportRecord(fingerprint=fp, petition_id=pid, source=filename[:200])
            for (_p, fp), pid in zip(fresh, result.ids, strict=True)
        ],
        batch_size=1000,
    )
    report.created += result.count
    report.first = min(filter(None, [report.first, result.first]))
    report.last = max(report.last, result.last)


def header_keys(header: list[str] | None) -> list[tuple[int, str]]:
    if not header or not any(header):
        raise FileRejected("第1行应为表头，但是空的。请使用下载的导入模板")
    keys: list[tuple[int, str]] = []
    unknown = []
    for i, cell in enumerate(header):
        text = (cell or "").strip()
        if not text:
            continue
        key = (
            KEY_BY_HEADER.get(text)
            or HEADER_ALIASES.get(text.split("(")[0].split("（")[0].strip())
            or next((c[0] for c in COLUMNS if c[1].split("(")[0] == text.split("(")[0].split("（")[0].strip()), None)
        )
        if key is None:
            unknown.append(text[:30])
        else:
            keys.append((i, key))
    found = {k for _i, k in keys}
    missing = [c[1] for c in COLUMNS if c[2] and c[0] not in found]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("缺少必填列：" + "、".join(missing))
        if unknown:
            parts.append("无法识别的列：" + "、".join(unknown[:10]))
        raise FileRejected("表头与导入模板不符（" + "；".join(parts) + "）。请下载导入模板，按模板的列填写")
    return keys


# ---------------------------------------------------------------- the template
