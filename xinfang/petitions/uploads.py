"""Which uploaded files may be stored: judged by the bytes, never by the name or the browser's claim.

A Windows program renamed 报告.pdf must not land in a case file that a colleague will open. Every path
that stores an attachment (staff pages, portal, API) goes through services.check_files, which calls
`check_upload` here; forms call it too so that a bad file is reported together with the other fields.
The allowed kinds come from settings.XINFANG_ATTACHMENT_TYPES (env XINFANG_ATTACHMENT_TYPES).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from xinfang.core.errors import ValidationFailed

# What `filetype` reports (its extension names) for each kind a clerk may allow, and the word shown to
# people. docx/xlsx/pptx and the ODF kinds are zip files that `filetype` opens and checks for their
# parts, so a plain .zip renamed .docx is a "zip", not a "docx".
KINDS: dict[str, tuple[frozenset[str], str]] = {
    "pdf": (frozenset({"pdf"}), "PDF"),
    "jpg": (frozenset({"jpg"}), "JPEG图片"),
    "png": (frozenset({"png"}), "PNG图片"),
    "doc": (frozenset({"doc"}), "Word(doc)"),
    "docx": (frozenset({"docx"}), "Word(docx)"),
    "xls": (frozenset({"xls"}), "Excel(xls)"),
    "xlsx": (frozenset({"xlsx"}), "Excel(xlsx)"),
    "ppt": (frozenset({"ppt"}), "PowerPoint(ppt)"),
    "pptx": (frozenset({"pptx"}), "PowerPoint(pptx)"),
    "odt": (frozenset({"odt"}), "ODF文档(odt)"),
    "ods": (frozenset({"ods"}), "ODF表格(ods)"),
    "odp": (frozenset({"odp"}), "ODF演示(odp)"),
    "txt": (frozenset(), "纯文本(txt)"),
    "mp3": (frozenset({"mp3"}), "MP3录音"),
    "wav": (frozenset({"wav"}), "WAV录音"),
    "m4a": (frozenset({"m4a"}), "M4A录音"),
    "aac": (frozenset({"aac"}), "AAC录音"),
    "amr": (frozenset({"amr"}), "AMR录音"),
}
DEFAULT_TYPES = ",".join(KINDS)
HEAD_BYTES = 8192  # what filetype looks at
TEXT_SAMPLE_BYTES = 1024 * 1024  # a text file is judged on its first MB
TEXT_CONTROLS = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f"}


@dataclass(frozen=True)
class Sniffed:
    kind: str  # a key of KINDS, or "" when the content is of no allowed kind
    mime: str


def allowed_kinds() -> list[str]:
    configured = getattr(settings, "XINFANG_ATTACHMENT_TYPES", None) or list(KINDS)
    return [k for k in (t.strip().lower() for t in configured) if k in KINDS]


def allowed_labels() -> str:
    return "、".join(KINDS[k][1] for k in allowed_kinds())


def _read(f: UploadedFile[Any], size: int) -> bytes:
    f.seek(0)
    data = f.read(size)
    f.seek(0)
    return bytes(data or b"")


def _is_text(sample: bytes, *, complete: bool) -> bool:
    """Valid UTF-8 (with or without BOM) or GB18030, and no NUL or other control characters."""
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            # final=False when the sample is cut: a character split at the cut is not an error.
            text = decoder.decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        return not any(ch in TEXT_CONTROLS for ch in text)
    return False


def sniff(f: UploadedFile[Any]) -> Sniffed:
    head = _read(f, HEAD_BYTES)
    guess = filetype.guess(head)
    if guess is not None:
        for kind, (names, _label) in KINDS.items():
            if guess.extension in names:
                return Sniffed(kind=kind, mime=guess.mime)
        return Sniffed(kind="", mime=guess.mime)
    sample = _read(f, TEXT_SAMPLE_BYTES)
    if sample and _is_text(sample, complete=(f.size or 0) <= TEXT_SAMPLE_BYTES):
        return Sniffed(kind="txt", mime="text/plain")
    return Sniffed(kind="", mime="application/octet-stream")


def check_upload(f: UploadedFile[Any], *, field: str = "attachments") -> Sniffed:
    """The file's kind by content; ValidationFailed (Chinese, names the allowed kinds) if not allowed."""
    found = sniff(f)
    if not found.kind or found.kind not in allowed_kinds():
        raise ValidationFailed(
            f"附件“{f.name}”的文件类型不允许上传（按文件内容判断，与文件名无关）。允许的类型：{allowed_labels()}",
            field=field,
        )
    return found
