"""Import historical petitions from .xlsx or .csv, with a report in Chinese (row, column, problem).

Two modes: all-or-nothing (default: any bad row and nothing is stored) and partial (the good rows are
stored, the bad ones reported). Every row gets a keyed fingerprint of its normalized content stored in
`ImportRecord`, and a given 编号 must be new, so importing the same file twice creates nothing twice.
Rows are written through `petitions.bulk` (numbers, sealed ID/phone, timeline, deadlines, audit).

Hostile files: the size is checked before anything is read; an .xlsx (a zip) has its members'
declared uncompressed sizes and compression ratios checked before openpyxl opens it; rows and
columns are capped; python-calamine reads the sheet (openpyxl writes templates and exports).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Area, Role, Unit
from xinfang.core import crypto
from xinfang.core.errors import DomainError, NotPermitted, ValidationFailed
from xinfang.core.timeutil import SHANGHAI
from xinfang.core.validators import is_ascii_digits, normalize_id_number, normalize_phone

from . import bulk, services
from .models import Category, Channel, ImportRecord, Outcome, Petition, Purpose
from .workflow import Status

# key, header, required, note shown in the template's second sheet
COLUMNS: list[tuple[str, str, bool, str]] = [
    ("number", "编号(可空)", False, "原系统的信访件编号；填写的编号不得与已有编号重复，空则按本部门编号规则生成"),
    ("channel", "信访形式", True, "来信、来访、来电、网上信访、短信、传真、民情意见箱、领导接访、群众诉求举报联系点"),
    ("received", "收到日期", True, "如 2024-03-15 或 2024-03-15 09:30"),
    ("name", "信访人姓名", False, ""),
    ("id_number", "身份证号", False, "18位（或15位旧号）；导入后加密保存"),
    ("phone", "联系电话", False, "11位手机号或带区号的固定电话；导入后加密保存"),
    ("address", "住址", False, ""),
    ("headcount", "信访人数", False, "空为1"),
    ("area", "问题属地代码", True, "行政区划代码，须在本部门辖区内"),
    ("category", "内容分类代码", False, "如 602015（城乡建设）"),
    ("purpose", "信访目的", False, "意见建议、申诉、求决、揭发控告、咨询、其他（或代码601001等）"),
    ("title", "标题", False, "空则取主要诉求前30字"),
    ("content", "主要诉求", True, ""),
    ("status", "状态(可空: 待分办/待受理/办理中/已办结/不予受理)", False, "空为待分办"),
    ("unit", "承办单位编码(可空)", False, "状态为待受理、办理中、已办结时填写承办单位编码；空则由本部门直接办理"),
    ("closed", "办结日期(可空)", False, "状态为已办结、不予受理时必填"),
    ("outcome", "处理意见(可空: 支持/解释说明/不予支持)", False, ""),
    ("result", "办理结果(可空)", False, "处理意见书正文或不予受理理由"),
    ("representatives", "代表姓名(可空)", False, "集体访的代表，多人用顿号分隔（不超过5人）"),
    ("no_representative_reason", "无代表原因(可空)", False, "集体访未推选代表的，写明原因"),
]
# Columns added later: left out of a row's fingerprint while empty, so rows imported before still match.
LATER_COLUMNS = ("representatives", "no_representative_reason")
HEADERS = [c[1] for c in COLUMNS]
KEY_BY_HEADER = {c[1]: c[0] for c in COLUMNS}
# Shorter spellings a clerk may have typed in a header cell.
HEADER_ALIASES = {
    "编号": "number",
    "状态": "status",
    "承办单位编码": "unit",
    "办结日期": "closed",
    "处理意见": "outcome",
    "办理结果": "result",
    "问题属地": "area",
    "内容分类": "category",
}
LABEL = {c[0]: c[1].split("(")[0] for c in COLUMNS}

CHANNEL_WORDS = (
    {str(label): value for value, label in Channel.choices}
    | {v: v for v in Channel.values}
    | {
        "网上": Channel.ONLINE,
        "来电": Channel.CALL,
        "热线": Channel.CALL,
        "电话": Channel.CALL,
        "信件": Channel.LETTER,
        "走访": Channel.VISIT,
        "意见箱": Channel.MAILBOX,
        "联系点": Channel.CONTACT_POINT,
        "网络": Channel.ONLINE,
    }
)
PURPOSE_WORDS = (
    {str(label): value for value, label in Purpose.choices}
    | {v: v for v in Purpose.values}
    | {
        "建议": Purpose.SUGGESTION,
        "意见": Purpose.SUGGESTION,
        "检举控告": Purpose.ACCUSATION,
        "控告": Purpose.ACCUSATION,
        "举报": Purpose.ACCUSATION,
    }
)
OUTCOME_WORDS = {str(label): value for value, label in Outcome.choices} | {v: v for v in Outcome.values}
STATUS_WORDS = {
    "": Status.REGISTERED,
    "待分办": Status.REGISTERED,
    "已登记": Status.REGISTERED,
    "待受理": Status.DISPATCHED,
    "已转送": Status.DISPATCHED,
    "已交办": Status.DISPATCHED,
    "办理中": Status.ACCEPTED,
    "已受理": Status.ACCEPTED,
    "已办结": Status.CLOSED,
    "办结": Status.CLOSED,
    "不予受理": Status.NOT_ACCEPTED,
    "不再受理": Status.NOT_ACCEPTED,
}
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
)
HISTORY_NOTE = "历史数据导入"


def max_bytes() -> int:
    return int(getattr(settings, "XINFANG_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "XINFANG_IMPORT_MAX_ROWS", 200_000))


MAX_COLUMNS = 60
MAX_CELL = 20_000
# An honest .xlsx of max_rows() rows unpacks to a few hundred MB at most; a zip bomb declares far more.
MAX_UNZIPPED = 400 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per member (text XML compresses ~10-30x)
MAX_MEMBERS = 2000


@dataclass
class Problem:
    row: int  # spreadsheet row (the header is row 1); 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{'「' + self.column + '」' if self.column else ''}：{self.message}"


@dataclass
class ImportReport:
    filename: str
    partial: bool
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False
    first: str = ""
    last: str = ""

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row})

    @property
    def fatal(self) -> bool:
        return any(p.row == 0 for p in self.problems)

    def summary(self) -> str:
        if self.fatal:
            return "文件未导入：" + "；".join(p.message for p in self.problems if p.row == 0)
        head = (
            f"共{self.rows}行：新导入{self.created}件，重复（已导入过）{self.duplicates}行，有问题{self.bad_rows}行。"
        )
        if self.problems and not self.partial:
            return head + "因存在问题行且选择了“全部正确才导入”，本次未导入任何数据。"
        if self.created:
            return head + f"编号{self.first}至{self.last}。"
        return head


class FileRejected(DomainError):
    code = "file_rejected"


# ---------------------------------------------------------------- reading


def check_size(size: int, limit: int | None = None) -> None:
    limit = limit or max_bytes()
    if size > limit:
        raise FileRejected(f"文件大小为{size / 1048576:.1f} MB，超过{limit // 1048576} MB的上限，请拆分后分批导入")
    if size == 0:
        raise FileRejected("文件是空的")


def check_zip(data: IO[bytes]) -> None:
    """Refuse an .xlsx whose members would unpack to too much (a zip bomb) before openpyxl sees it."""
    try:
        zf = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected("不是有效的Excel（.xlsx）文件，请用Excel另存为.xlsx或导出为CSV后再导入") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise FileRejected("Excel文件结构异常（内部文件过多），拒绝导入")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise FileRejected("Excel文件解压后体积异常（疑似压缩炸弹），拒绝导入")
    if total > MAX_UNZIPPED:
        raise FileRejected(f"Excel文件解压后超过{MAX_UNZIPPED // 1048576} MB，拒绝导入，请拆分后分批导入")
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise FileRejected("不是有效的Excel（.xlsx）文件：缺少工作簿")
    data.seek(0)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text[: MAX_CELL + 1]


def read_rows(data: IO[bytes], filename: str, total: Callable[[int], None] | None = None) -> Iterator[list[str]]:
    """Rows of cells as text, the header first. Raises FileRejected for unreadable files.

    `total`, if given, is told the number of rows below the header (blank ones included) as soon as
    it is known, for a progress bar: free for .xlsx (the sheet is loaded whole), one extra C-speed pass
    over a .csv (~0.4 s per 100,000 rows)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        check_zip(data)
        # python-calamine (Rust) parses a sheet ~20x faster than openpyxl's streaming reader, which
        # alone cost a minute for 100,000 rows; the zip-bomb check above runs first either way.
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_filelike(data).get_sheet_by_index(0)
            rows = sheet.iter_rows()
        except Exception:  # calamine raises its own error kinds for broken files
            raise FileRejected("Excel文件已损坏或格式不受支持，请另存为.xlsx后再导入") from None
        if total:
            total(max(sheet.height - 1, 0))
        for row in rows:
            yield [_cell(v) for v in row[:MAX_COLUMNS]]
    elif name.endswith(".csv"):
        raw = data.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileRejected("CSV文件编码无法识别（应为UTF-8或GBK），或不是文本文件")
        if "\x00" in text[:65536]:
            raise FileRejected("文件不是CSV文本（含有二进制内容）")
        if total:
            with contextlib.suppress(csv.Error):  # the reading pass below reports it
                total(max(sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1, 0))
        try:
            for cells in csv.reader(io.StringIO(text, newline="")):
                yield [c.strip()[: MAX_CELL + 1] for c in cells[:MAX_COLUMNS]]
        except csv.Error as exc:
            raise FileRejected(f"CSV格式错误：{exc}") from None
    else:
        raise FileRejected("只能导入.xlsx或.csv文件")


# ---------------------------------------------------------------- one row


@dataclass
class _Lookups:
    office: Unit
    areas: dict[str, Area]
    categories: dict[str, Category]
    units: dict[str, Unit]

    def area(self, code: str) -> Area | None:
        """Areas of the office's subtree are preloaded; others are looked up once (to say "not yours")."""
        if code not in self.areas:
            self.areas[code] = Area.objects.filter(code=code, active=True).first()  # type: ignore[assignment]
        return self.areas[code]


ISO_LIKE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _parse_date(text: str) -> dt.datetime | None:
    text = text.strip()
    m = ISO_LIKE.fullmatch(text)
    if m:  # the common case, without strptime's cost
        y, mo, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
        try:
            naive = dt.datetime(y, mo, d, h, mi, sec)  # noqa: DTZ001 - made aware in Beijing time just below
        except ValueError:
            return None
        if (h, mi) == (0, 0):
            naive = naive.replace(hour=9)
        return naive.replace(tzinfo=SHANGHAI)
    for fmt in DATE_FORMATS:
        try:
            naive = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware in Beijing time just below
        except ValueError:
            continue
        if (naive.hour, naive.minute) == (0, 0):
            naive = naive.replace(hour=9)  # a date alone: office hours, so the local date never shifts
        return naive.replace(tzinfo=SHANGHAI)
    return None


def fingerprint(values: dict[str, str]) -> str:
    """Keyed hash of the normalized row: whitespace and case do not make a row new."""
    parts = [
        " ".join(values.get(k, "").split()).upper()
        for k, *_ in COLUMNS
        if k not in LATER_COLUMNS or values.get(k, "").strip()
    ]
    return crypto.blind_index("\x1f".join(parts), purpose="import")


def parse_row(
    values: dict[str, str], row: int, lk: _Lookups, now: dt.datetime
) -> tuple[bulk.PetitionPlan | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(row, LABEL[key], message))

    for key, value in values.items():
        if len(value) > MAX_CELL:
            bad(key, "内容过长（不超过2万字）")
    channel = CHANNEL_WORDS.get(values.get("channel", ""))
    if not values.get("channel"):
        bad("channel", "必须填写")
    elif channel is None:
        bad("channel", f"“{values['channel']}”不是有效的信访形式")
    received = None
    if not values.get("received"):
        bad("received", "必须填写")
    else:
        received = _parse_date(values["received"])
        if received is None:
            bad("received", f"“{values['received']}”不是有效日期，应为如2024-03-15的格式")
        elif received > now:
            bad("received", "收到日期不能晚于今天")
        elif received.year < 1990:
            bad("received", "收到日期过早，请核对")
    person = {"name": values.get("name", "")[:100], "address": values.get("address", "")[:200]}
    try:
        person["id_number"] = normalize_id_number(values.get("id_number", ""))
    except ValidationFailed as exc:
        bad("id_number", exc.message)
    try:
        person["phone"] = normalize_phone(values.get("phone", ""))
    except ValidationFailed as exc:
        bad("phone", exc.message)
    headcount = 1
    if values.get("headcount"):
        if not is_ascii_digits(values["headcount"]) or not 1 <= int(values["headcount"]) <= 100000:
            bad("headcount", "应为1至100000之间的整数")
        else:
            headcount = int(values["headcount"])
    rep_names = [n.strip() for n in re.split(r"[、,，;；]", values.get("representatives", "")) if n.strip()]
    if len(rep_names) > settings.XINFANG_MAX_REPRESENTATIVES:
        bad("representatives", f"推选代表不超过{settings.XINFANG_MAX_REPRESENTATIVES}人（《信访工作条例》第二十条）")
    representatives = [{"name": n[:100], "id_number": "", "phone": ""} for n in rep_names]
    # The intake's rule (services.representatives_problem), so an import and a clerk get the same answer.
    if problem := services.representatives_problem(
        headcount=headcount, representatives=representatives, reason=values.get("no_representative_reason", "")
    ):
        bad("representatives", problem)
    area = None
    if not values.get("area"):
        bad("area", "必须填写")
    else:
        area = lk.area(values["area"])
        if area is None:
            bad("area", f"区划代码“{values['area']}”不存在")
        elif not area.path.startswith(lk.office.area.path):
            bad("area", f"“{area.name}”不在{lk.office.name}的辖区内")
    category = None
    if values.get("category"):
        category = lk.categories.get(values["category"])
        if category is None:
            bad("category", f"内容分类代码“{values['category']}”不存在")
    purpose = ""
    if values.get("purpose"):
        purpose = PURPOSE_WORDS.get(values["purpose"], "")
        if not purpose:
            bad("purpose", f"“{values['purpose']}”不是有效的信访目的")
    content = values.get("content", "")
    if not content:
        bad("content", "必须填写")
    title = values.get("title", "") or content.replace("\n", " ")[:30]
    if len(title) > 200:
        bad("title", "标题不超过200字")
    status = STATUS_WORDS.get(values.get("status", ""))
    if status is None:
        bad("status", f"“{values['status']}”不是可导入的状态（待分办、待受理、办理中、已办结、不予受理）")
    unit = None
    if values.get("unit"):
        unit = lk.units.get(values["unit"])
        if unit is None:
            bad("unit", f"单位编码“{values['unit']}”不存在或已停用")
        elif unit.pk == lk.office.pk:
            unit = None  # the office itself: handled directly
    elif status == Status.DISPATCHED:
        bad("unit", "状态为待受理时必须填写承办单位编码")
    closed = None
    if values.get("closed"):
        closed = _parse_date(values["closed"])
        if closed is None:
            bad("closed", f"“{values['closed']}”不是有效日期")
        elif received and closed < received:
            bad("closed", "办结日期早于收到日期")
        elif closed > now:
            bad("closed", "办结日期不能晚于今天")
    elif status in (Status.CLOSED, Status.NOT_ACCEPTED):
        bad("closed", "状态为已办结或不予受理时必须填写办结日期")
    outcome = ""
    if values.get("outcome"):
        outcome = OUTCOME_WORDS.get(values["outcome"], "")
        if not outcome:
            bad("outcome", f"“{values['outcome']}”不是有效的处理意见（支持、解释说明、不予支持）")
    number = values.get("number", "")
    if number and (len(number) > 40 or not all(ch.isalnum() or ch in "-_/" for ch in number)):
        bad("number", "编号只能由字母、数字和-_/组成，不超过40字符")
    if problems or received is None or area is None or channel is None or status is None:
        return None, problems
    steps = _history(status, received, closed, unit, outcome, values.get("result", ""))
    plan = bulk.PetitionPlan(
        office=lk.office,
        channel=channel,
        received_at=received,
        area=area,
        title=title,
        content=content,
        petitioner=person,
        category=category,
        purpose=purpose,
        headcount=headcount,
        representatives=representatives,
        number=number,
        registrar_name=HISTORY_NOTE,
        steps=steps,
    )
    return plan, []


def _history(
    status: str, received: dt.datetime, closed: dt.datetime | None, unit: Unit | None, outcome: str, result: str
) -> list[bulk.Step]:
    """The steps of an imported case: dispatched (or handled directly) on receipt, replied and filed on the
    closing date. Only what the spreadsheet says; every event says it came from an import."""
    at = received + dt.timedelta(minutes=1)
    if status == Status.REGISTERED:
        return []
    if status == Status.NOT_ACCEPTED:
        return [
            bulk.Step(
                action="reject",
                at=closed or at,
                actor_name=HISTORY_NOTE,
                legal_route="other",
                reason=result or "历史数据，原系统记录为不予受理",
            )
        ]
    if unit is None:
        steps = [bulk.Step(action="handle_directly", at=at, actor_name=HISTORY_NOTE, note=HISTORY_NOTE)]
    else:
        steps = [bulk.Step(action="dispatch", at=at, actor_name=HISTORY_NOTE, unit=unit, note=HISTORY_NOTE)]
        if status != Status.DISPATCHED:
            steps.append(
                bulk.Step(action="accept", at=at + dt.timedelta(minutes=1), actor_name=HISTORY_NOTE, note=HISTORY_NOTE)
            )
    if status == Status.CLOSED and closed is not None:
        steps += [
            bulk.Step(
                action="submit_reply",
                at=closed,
                actor_name=HISTORY_NOTE,
                outcome=outcome,
                facts="（历史数据，见原系统）",
                reasons="（历史数据，见原系统）",
                basis="（历史数据，见原系统）",
                text=result or "（历史数据，见原系统）",
                reason="（历史数据，见原系统）",
            ),
            bulk.Step(action="approve_reply", at=closed, actor_name=HISTORY_NOTE, note=HISTORY_NOTE),
            bulk.Step(action="close", at=closed, actor_name=HISTORY_NOTE, note=HISTORY_NOTE),
        ]
    return steps


# ---------------------------------------------------------------- the whole file


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
        keys = _header_keys(header)
    except (FileRejected, ValidationFailed, NotPermitted) as exc:
        report.problems.append(Problem(0, "", exc.message))
        return report
    except StopIteration:
        report.problems.append(Problem(0, "", "文件是空的"))
        return report
    office = Unit.objects.select_related("area").get(pk=office.pk)
    lk = _Lookups(
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


def _header_keys(header: list[str] | None) -> list[tuple[int, str]]:
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
