"""Stored documents sealed by the audit chain: the record of the change that stored a version carries its
checksum (`document_seal`); `audit_verify` reads each stored file again and finds a version whose bytes,
checksum or row were changed, or that was deleted, naming the case (the document's reference)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from xinfang.core.audit import Problem

from .models import Document

KIND = "documents"


def document_seal(document: Document) -> dict[str, dict[str, Any]]:
    """`audit_record(seal=...)` for a stored version."""
    return {KIND: {str(document.pk): {"sha256": document.checksum, "ref": document.reference}}}


def _subject(subject_type: str, reference: str) -> str:
    if subject_type.endswith("petition") or not subject_type:
        return f"信访事项 {reference}" if reference else "信访事项（编号不明）"
    return f"{subject_type} {reference}"


class DocumentSeals:
    def __init__(self) -> None:
        self.expected: dict[int, tuple[int, str, str]] = {}

    def add(self, audit_id: int, key: str, value: Any) -> None:
        if isinstance(value, dict):
            self.expected[int(key)] = (audit_id, str(value.get("sha256", "")), str(value.get("ref", "")))

    def problems(self) -> Iterator[Problem]:
        seen: set[int] = set()
        for doc in Document.objects.order_by("id").iterator(chunk_size=500):
            seen.add(doc.pk)
            subject = _subject(doc.subject_type, doc.reference)
            row = f"文书 id={doc.pk}（{doc.title}，第{doc.version}版）"
            sealed = self.expected.get(doc.pk)
            if sealed is None:
                yield Problem(subject, row, "没有审计记录封存这份文书（被插入，或封存它的审计记录被删除）")
                continue
            audit_id, checksum, _ref = sealed
            if doc.checksum != checksum:
                yield Problem(subject, row, f"校验值与审计记录 id={audit_id} 封存的不符（被修改）")
                continue
            try:
                with doc.file.open("rb") as fh:
                    content = fh.read()
            except (OSError, ValueError):
                yield Problem(subject, row, "存储的文件缺失")
                continue
            if hashlib.sha256(content).hexdigest() != checksum:
                yield Problem(subject, row, f"存储的文件内容与审计记录 id={audit_id} 封存的校验值不符（被修改）")
        for pk in sorted(set(self.expected) - seen):
            audit_id, _checksum, ref = self.expected[pk]
            subject = _subject("", ref)
            yield Problem(subject, f"审计记录 id={audit_id} 封存的文书 id={pk}", "已不存在（被删除）")
