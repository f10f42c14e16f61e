"""The one document service: a named template and a context in, a .docx (and a PDF where LibreOffice
is installed) out; 文号 sequences; stored, never-changed document versions; 送达 records.

Nothing here knows the higher apps: they compose the context (petitions.notices_docs) and say whom
a document belongs to by (subject_type, subject_id, reference).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from docx import Document as DocxDocument
from docxtpl import DocxTemplate

from xinfang.accounts.models import Unit
from xinfang.core.audit import audit_record
from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import local_date

from .models import Delivery, Document, DocumentTemplate, NumberSequence

log = logging.getLogger(__name__)

DEFAULTS_DIR = Path(__file__).resolve().parent / "templates_docx"
KINDS: dict[str, str] = {
    "acceptance": "受理告知书",
    "rejection": "不予受理告知书",
    "transfer": "转送交办函",
    "extension": "延期告知书",
    "reply": "信访处理意见书",
    "review": "复查意见书",
    "recheck": "复核意见书",
}
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
PDF_TIMEOUT_S = 120

# What a template can rely on (README.md beside the defaults); uploads and previews render with it.
SAMPLE_CONTEXT: dict[str, Any] = {
    "organ_header": "扶沟县信访局",
    "doc_number": "扶信转〔2026〕15号",
    "title": "信访事项转送函",
    "addressee": "扶沟县市政所",
    "body": [
        "现将王某某于2026年3月2日以来信方式反映的“建设街窨井盖破损”问题转送你单位，请依法办理。",
        "请你单位自收到之日起15日内决定是否受理，并书面告知信访人。",
    ],
    "attachments": ["信访事项登记信息及相关材料"],
    "signer": "扶沟县信访局",
    "date": "二〇二六年三月三日",
    "contact": "扶沟县信访局，电话0394-1234567",
    "cc": "周口市信访局",
    "printer": "扶沟县信访局",
    "print_gap": "　　　　",
    "print_date": "2026年3月3日",
    "case_number": "411621-2026-000015",
    "kind": "transfer",
}

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_pdf_missing_said = False


@dataclass(frozen=True)
class Rendered:
    content: bytes
    template_version: str
    checksum: str


# ---------------------------------------------------------------- dates and 文号


_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1..31 as 一 … 三十一 (months and days)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "") if n >= 10 else _CN_DIGITS[n]


def format_doc_date(day: dt.date, *, style: str = "chinese") -> str:
    """落款 date: 二〇二六年三月三日 (汉字, the style most offices still sign with) or 2026年3月3日."""
    if style == "arabic":
        return f"{day.year}年{day.month}月{day.day}日"
    year = "".join(_CN_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{_cn_number(day.month)}月{_cn_number(day.day)}日"


def doc_number_next(*, unit: Unit, word: str, year: int) -> str:
    """The next 文号 of `unit` for 机关代字 `word` in `year`, e.g. 扶信转〔2026〕15号.

    One `UPDATE … RETURNING` increments the counter and holds its row lock to the commit, so two
    clerks printing at the same moment never get the same number and a rolled-back print leaves no gap.
    """
    word = word.strip()
    if not word or len(word) > 20:
        raise ValidationFailed("机关代字为1至20个字", field="word")
    sql = 'UPDATE "documents_numbersequence" SET last = last + 1 WHERE unit_id = %s AND word = %s AND year = %s RETURNING last'
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [unit.pk, word, year])
        row = cursor.fetchone()
        if row is None:  # the unit's first document of this kind this year
            NumberSequence.objects.bulk_create([NumberSequence(unit=unit, word=word, year=year)], ignore_conflicts=True)
            cursor.execute(sql, [unit.pk, word, year])
            row = cursor.fetchone()
    return f"{word}〔{year}〕{row[0]}号"


# ---------------------------------------------------------------- templates and rendering


def _clean(value: Any) -> Any:
    """Text from the case may carry control characters that are not allowed in XML."""
    if isinstance(value, str):
        return _XML_INVALID.sub("", value)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def template_for(*, kind: str, owners: list[Unit]) -> tuple[bytes, str]:
    """The template of `kind`: the first owner's own active upload, else the shipped default."""
    if kind not in KINDS:
        raise ValidationFailed(f"未知的文书种类：{kind}", field="kind")
    for owner in owners:
        tpl = DocumentTemplate.objects.filter(office=owner, kind=kind, active=True).order_by("-version").first()
        if tpl is not None:
            with tpl.file.open("rb") as fh:
                return fh.read(), f"{owner.code} 第{tpl.version}版"
    content = (DEFAULTS_DIR / f"{kind}.docx").read_bytes()
    return content, f"默认模板 {_digest(content)[:12]}"


def render_docx(*, template: bytes, context: dict[str, Any]) -> bytes:
    """Fill a docxtpl template. Every field a template names must be in the context (StrictUndefined):
    a misspelt field is an error with its name, never an empty gap in a letter that goes out."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.render(_clean(context), jinja_env=env, autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValidationFailed(f"模板不是有效的Word文档（.docx）：{exc}", field="file") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ValidationFailed(
            f"模板标记有语法错误（{exc.message}）：请检查 {{{{ }}}} 与 {{% %}} 是否成对、是否在同一段落内", field="file"
        ) from None
    except jinja2.UndefinedError as exc:
        raise ValidationFailed(f"模板使用了不存在的字段（{exc.message}），可用字段见模板说明", field="file") from None
    except jinja2.TemplateError as exc:
        raise ValidationFailed(f"模板无法生成文书：{exc}", field="file") from None
    return out.getvalue()


def document_render(*, kind: str, owners: list[Unit], context: dict[str, Any]) -> Rendered:
    template, version = template_for(kind=kind, owners=owners)
    content = render_docx(template=template, context=context)
    return Rendered(content=content, template_version=version, checksum=_digest(content))


def docx_text(content: bytes) -> str:
    """All paragraph text of a .docx (tables included), one paragraph a line."""
    doc = DocxDocument(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def template_check(*, kind: str, content: bytes) -> bytes:
    """Render an uploaded template with the sample context, at upload, so a broken one is refused then
    and not at the first print. Returns the sample rendering (the preview)."""
    if kind not in KINDS:
        raise ValidationFailed(f"未知的文书种类：{kind}", field="kind")
    if not content:
        raise ValidationFailed("请选择模板文件（.docx）", field="file")
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationFailed("模板文件不超过5MB", field="file")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationFailed(
            "模板不是有效的Word文档（.docx）：请在Word中另存为“Word文档（*.docx）”后上传", field="file"
        )
    rendered = render_docx(template=content, context=SAMPLE_CONTEXT)
    text = docx_text(rendered)
    for field, label in (("doc_number", "发文字号"), ("addressee", "主送机关")):
        if SAMPLE_CONTEXT[field] not in text:
            raise ValidationFailed(f"模板中缺少{label}：请保留 {{{{ {field} }}}}", field="file")
    if "{{" in text or "{%" in text:
        raise ValidationFailed("模板中有未能识别的标记（{{ 或 {%），请检查是否被Word拆开或缺少结束符", field="file")
    return rendered


@transaction.atomic
def template_save(*, actor: Any, template: DocumentTemplate, content: bytes) -> DocumentTemplate:
    """Store an office's template as the next version of its kind (the earlier versions stay)."""
    template_check(kind=template.kind, content=content)
    last = (
        DocumentTemplate.objects.select_for_update()
        .filter(office=template.office, kind=template.kind)
        .aggregate(m=Max("version"))["m"]
    )
    template.version = (last or 0) + 1
    template.checksum = _digest(content)
    template.uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
    template.file.save(f"{template.kind}.docx", ContentFile(content), save=False)
    template.save()
    audit_record(
        actor=actor,
        action="documents.template_upload",
        target=template,
        unit_id=template.office_id,
        data={"kind": template.kind, "version": template.version, "checksum": template.checksum},
    )
    return template


def template_preview(*, template: DocumentTemplate) -> bytes:
    with template.file.open("rb") as fh:
        return render_docx(template=fh.read(), context=SAMPLE_CONTEXT)


# ---------------------------------------------------------------- PDF


def pdf_converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_convert(content: bytes) -> bytes | None:
    """The .docx as PDF through LibreOffice headless; None (said once in the log) when it is not installed."""
    global _pdf_missing_said
    exe = pdf_converter()
    if exe is None:
        if not _pdf_missing_said:
            log.warning("未安装 LibreOffice（soffice），文书只生成 .docx，不生成 PDF")
            _pdf_missing_said = True
        return None
    with tempfile.TemporaryDirectory(prefix="xinfang-pdf-") as tmp:
        src = Path(tmp) / "notice.docx"
        src.write_bytes(content)
        # Its own profile directory: two conversions at once must not share (and lock) one profile.
        cmd = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf"]
        try:
            subprocess.run(  # noqa: S603 - a fixed argument list: soffice from PATH, our own temp file
                [*cmd, "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=PDF_TIMEOUT_S
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            log.error("PDF 转换失败：%s", exc)
            raise ValidationFailed("文书转换为PDF失败，请下载 .docx 版本") from None
        out = Path(tmp) / "notice.pdf"
        if not out.exists():
            raise ValidationFailed("文书转换为PDF失败，请下载 .docx 版本")
        return out.read_bytes()


# ---------------------------------------------------------------- stored documents


def document_store(
    *,
    actor: Any,
    kind: str,
    title: str,
    subject_type: str,
    subject_id: int,
    reference: str,
    issuer: Unit,
    recipient: str,
    for_petitioner: bool,
    doc_number: str,
    rendered: Rendered,
) -> Document:
    """Write a new version; earlier versions are never touched (the caller holds the subject's lock)."""
    last = Document.objects.filter(subject_type=subject_type, subject_id=subject_id, kind=kind).aggregate(
        m=Max("version")
    )["m"]
    user = actor if getattr(actor, "is_authenticated", False) else None
    doc = Document(
        kind=kind,
        title=title,
        subject_type=subject_type,
        subject_id=subject_id,
        reference=reference,
        issuer=issuer,
        recipient=recipient[:200],
        for_petitioner=for_petitioner,
        doc_number=doc_number,
        version=(last or 0) + 1,
        template_version=rendered.template_version,
        checksum=rendered.checksum,
        size=len(rendered.content),
        created_at=timezone.now(),
        created_by=user,
        created_by_name=user.get_full_name() if user else str(actor or "系统"),
    )
    doc.file.save(f"{kind}.docx", ContentFile(rendered.content), save=False)
    doc.save()
    return doc


def document_content(document: Document) -> bytes:
    """The stored bytes, checked against the checksum written with them."""
    with document.file.open("rb") as fh:
        content: bytes = fh.read()
    if _digest(content) != document.checksum:
        raise ValidationFailed("文书文件与登记的校验值不一致，可能已被改动，请联系系统管理员")
    return content


def documents_of(*, subject_type: str, subject_id: int) -> list[Document]:
    return list(
        Document.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .select_related("issuer")
        .prefetch_related("deliveries")
        .order_by("created_at", "id")
    )


# ---------------------------------------------------------------- 送达


_TRACKING = re.compile(r"^[A-Za-z0-9-]{6,40}$")


def delivery_record(
    *,
    actor: Any,
    document: Document,
    method: str,
    delivered_at: dt.datetime,
    tracking_number: str = "",
    recipient: str = "",
    note: str = "",
) -> Delivery:
    """One 送达 record. 邮寄 needs its tracking number; a delivery cannot precede the document."""
    if method not in Delivery.Method.values:
        raise ValidationFailed("请选择送达方式：当面、邮寄、短信或网上", field="method")
    tracking_number = (tracking_number or "").strip()
    if method == Delivery.Method.POST and not _TRACKING.match(tracking_number):
        raise ValidationFailed("邮寄送达须填写邮件单号（6至40位字母或数字）", field="tracking_number")
    if timezone.is_naive(delivered_at):
        raise ValidationFailed("送达时间无效", field="delivered_at")
    if delivered_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationFailed("送达时间不能晚于现在", field="delivered_at")
    if local_date(delivered_at) < local_date(document.created_at):
        raise ValidationFailed("送达时间不能早于文书生成时间", field="delivered_at")
    if len(recipient) > 100 or len(note) > 200:
        raise ValidationFailed("受送达人不超过100字，说明不超过200字", field="note")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Delivery.objects.create(
        document=document,
        method=method,
        tracking_number=tracking_number if method == Delivery.Method.POST else "",
        delivered_at=delivered_at,
        recipient=recipient.strip(),
        note=note.strip(),
        recorded_at=timezone.now(),
        recorded_by=user,
        recorded_by_name=user.get_full_name() if user else str(actor or "系统"),
    )


# ---------------------------------------------------------------- files left by a rolled-back transaction


def _stored_files(storage: Any, folder: str) -> Iterator[str]:
    dirs, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in dirs:
        yield from _stored_files(storage, f"{folder}/{sub}")


def documents_prune(*, grace: dt.timedelta = dt.timedelta(hours=1), dry_run: bool = False) -> dict[str, int]:
    """Delete stored document files that no document row names: what a transaction wrote to storage before it
    rolled back (storage is not transactional). Files younger than `grace` are left alone, since a transaction
    still open may yet commit them. Returns {"checked", "orphans", "deleted"}."""
    storage = Document._meta.get_field("file").storage
    if not storage.exists("documents"):
        return {"checked": 0, "orphans": 0, "deleted": 0}
    known = set(Document.objects.values_list("file", flat=True))
    cutoff = timezone.now() - grace
    checked = orphans = deleted = 0
    for name in _stored_files(storage, "documents"):
        checked += 1
        if name in known:
            continue
        orphans += 1
        if storage.get_modified_time(name) > cutoff:
            continue
        if not dry_run:
            storage.delete(name)
            deleted += 1
    return {"checked": checked, "orphans": orphans, "deleted": deleted}
