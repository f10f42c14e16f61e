"""`manage.py render_notice NUMBER KIND --out FILE.docx [--pdf FILE.pdf]`: a case's written notice.

Goes through the same service as the staff page (notices_docs.notice_issue): the document is stored
with the case as a new version, with its 文号, timeline event and audit record, and a copy written to
--out. Exits 2 with a Chinese message for an unknown case or kind, or a case not in that state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.errors import DomainError
from xinfang.documents import services as docs
from xinfang.petitions.letters import SPECS
from xinfang.petitions.models import Petition
from xinfang.petitions.notices_docs import notice_issue


class Command(BaseCommand):
    help = "生成信访事项的书面告知文书（.docx，可另存PDF）。KIND：" + "、".join(
        f"{k}（{s.label}）" for k, s in SPECS.items()
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="信访件编号")
        parser.add_argument("kind", help="文书种类：" + " ".join(SPECS))
        parser.add_argument("--out", type=Path, required=True, help="输出的 .docx 文件")
        parser.add_argument("--pdf", type=Path, default=None, help="同时输出PDF（需安装 LibreOffice）")

    def handle(self, *args: Any, **opts: Any) -> None:
        number, kind, out = opts["number"], opts["kind"], opts["out"]
        if kind not in SPECS:
            raise CommandError(f"未知的文书种类：{kind}（可选：{'、'.join(SPECS)}）", returncode=2)
        petition = Petition.objects.filter(number=number).only("pk").first()
        if petition is None:
            raise CommandError(f"信访件编号 {number} 不存在", returncode=2)
        if not out.parent.is_dir():
            raise CommandError(f"输出目录不存在：{out.parent}", returncode=2)
        try:
            doc = notice_issue(actor="命令行 render_notice", petition_id=petition.pk, kind=kind)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        content = docs.document_content(doc)
        out.write_bytes(content)
        self.stdout.write(f"{doc.title} {doc.doc_number}（第{doc.version}版）→ {out}")
        if opts["pdf"] is not None:
            pdf = docs.pdf_convert(content)
            if pdf is None:
                self.stderr.write("未安装 LibreOffice，未生成PDF")
            else:
                opts["pdf"].write_bytes(pdf)
                self.stdout.write(f"PDF → {opts['pdf']}")
