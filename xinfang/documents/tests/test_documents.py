"""The document service: 文号 under concurrency, office templates replacing the defaults, bad uploads."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from docx import Document as Docx

from xinfang.accounts.tests.factories import build_org
from xinfang.core.errors import ValidationFailed
from xinfang.documents import services
from xinfang.documents.models import DocumentTemplate, NumberSequence


def _docx(*paragraphs: str) -> bytes:
    doc = Docx()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _text(content: bytes) -> str:
    return services.docx_text(content)


def test_chinese_date_styles():
    assert services.format_doc_date(dt.date(2026, 3, 3)) == "二〇二六年三月三日"
    assert services.format_doc_date(dt.date(2026, 12, 20)) == "二〇二六年十二月二十日"
    assert services.format_doc_date(dt.date(2030, 10, 31)) == "二〇三〇年十月三十一日"
    assert services.format_doc_date(dt.date(2026, 11, 15), style="arabic") == "2026年11月15日"


@pytest.mark.django_db
def test_numbers_count_per_unit_word_and_year():
    org = build_org()
    a = [services.doc_number_next(unit=org.county_office, word="扶信转", year=2026) for _ in range(3)]
    assert a == ["扶信转〔2026〕1号", "扶信转〔2026〕2号", "扶信转〔2026〕3号"]
    assert services.doc_number_next(unit=org.county_office, word="扶信受", year=2026) == "扶信受〔2026〕1号"
    assert services.doc_number_next(unit=org.county_office, word="扶信转", year=2027) == "扶信转〔2027〕1号"
    assert services.doc_number_next(unit=org.municipal, word="扶信转", year=2026) == "扶信转〔2026〕1号"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a real server (PostgreSQL)")
def test_twenty_concurrent_numbers_are_distinct():
    org = build_org()
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(services.doc_number_next(unit=org.county_office, word="扶信转", year=2026))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == sorted(f"扶信转〔2026〕{n}号" for n in range(1, 21))
    assert NumberSequence.objects.get(unit=org.county_office, word="扶信转", year=2026).last == 20


def test_every_default_template_renders_the_sample_without_leftovers():
    for kind in services.KINDS:
        template, version = services.template_for(kind=kind, owners=[])
        assert version.startswith("默认模板")
        text = _text(services.render_docx(template=template, context=services.SAMPLE_CONTEXT))
        assert "扶信转〔2026〕15号" in text and "扶沟县市政所：" in text
        assert "{{" not in text and "{%" not in text and "None" not in text


def test_default_layout_is_a4_with_the_standard_margins():
    template, _ = services.template_for(kind="reply", owners=[])
    section = Docx(io.BytesIO(template)).sections[0]
    assert section.page_width and section.page_height
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins if m is not None] == [37, 35, 28, 26]


def test_case_text_with_markup_and_control_characters_renders_as_text():
    template, _ = services.template_for(kind="reply", owners=[])
    context = {**services.SAMPLE_CONTEXT, "body": ["<w:p>&amp; 井盖\x0b破损\x00 {{ x }}"]}
    text = _text(services.render_docx(template=template, context=context))
    assert "<w:p>&amp; 井盖破损 {{ x }}" in text


@pytest.mark.django_db
def test_office_template_replaces_the_default_for_that_office_only(tmp_path):
    org = build_org()
    own = _docx("{{ organ_header }}", "{{ doc_number }}", "本局自定义格式", "{{ addressee }}：", "{{ body|join('') }}")
    tpl = services.template_save(
        actor="测试", template=DocumentTemplate(office=org.county_office, kind="transfer"), content=own
    )
    assert tpl.version == 1 and len(tpl.checksum) == 64
    rendered = services.document_render(kind="transfer", owners=[org.county_office], context=services.SAMPLE_CONTEXT)
    assert "本局自定义格式" in _text(rendered.content)
    assert rendered.template_version == "FG-XFJ 第1版"
    other = services.document_render(kind="transfer", owners=[org.municipal], context=services.SAMPLE_CONTEXT)
    assert "本局自定义格式" not in _text(other.content) and other.template_version.startswith("默认模板")
    second = services.template_save(
        actor="测试", template=DocumentTemplate(office=org.county_office, kind="transfer"), content=own
    )
    assert second.version == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a word file", "不是有效的Word文档"),
        (_docx("{{ doc_number }}", "{{ addressee }}", "{% for x in body %}"), "语法错误"),
        (_docx("{{ doc_number }}", "{{ addressee }}", "{{ petitioner_phone }}"), "不存在的字段"),
        (_docx("{{ addressee }}", "没有文号"), "缺少发文字号"),
        (b"", "请选择模板文件"),
    ],
)
def test_broken_template_refused_at_upload_with_chinese_message(content, message):
    org = build_org()
    with pytest.raises(ValidationFailed, match=message):
        services.template_save(
            actor="测试", template=DocumentTemplate(office=org.county_office, kind="reply"), content=content
        )
    assert DocumentTemplate.objects.count() == 0


@pytest.mark.django_db
def test_admin_upload_validates_and_previews(admin_client):
    org = build_org()
    bad = SimpleUploadedFile("bad.docx", _docx("{{ doc_number }}", "{{ addressee }}", "{{ nope }}"))
    resp = admin_client.post(
        "/admin/documents/documenttemplate/add/", {"office": org.county_office.pk, "kind": "reply", "file": bad}
    )
    assert resp.status_code == 200
    assert "模板使用了不存在的字段" in resp.content.decode()
    assert DocumentTemplate.objects.count() == 0
    good = SimpleUploadedFile("good.docx", _docx("{{ doc_number }}", "{{ addressee }}：", "本局格式"))
    resp = admin_client.post(
        "/admin/documents/documenttemplate/add/",
        {"office": org.county_office.pk, "kind": "reply", "file": good, "active": "on"},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    tpl = DocumentTemplate.objects.get()
    assert tpl.version == 1
    preview = admin_client.get(f"/admin/documents/documenttemplate/{tpl.pk}/preview/")
    assert preview.status_code == 200
    assert "本局格式" in _text(preview.content) and "扶信转〔2026〕15号" in _text(preview.content)
    default = admin_client.get("/admin/documents/documenttemplate/default/reply/")
    assert default.status_code == 200 and "扶沟县市政所" in _text(default.content)


@pytest.mark.skipif(services.pdf_converter() is None, reason="LibreOffice (soffice) not installed")
def test_pdf_conversion():
    template, _ = services.template_for(kind="acceptance", owners=[])
    pdf = services.pdf_convert(services.render_docx(template=template, context=services.SAMPLE_CONTEXT))
    assert pdf is not None and pdf.startswith(b"%PDF")


def test_missing_converter_gives_none(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert services.pdf_convert(b"whatever") is None


@pytest.mark.django_db
def test_a_rolled_back_document_leaves_no_file_once_pruned(settings, tmp_path):
    """Storage is not transactional: a document written in a transaction that rolls back leaves its file;
    documents_prune deletes such files (past the grace period) and keeps every file a document names."""
    import json

    from django.core.management import call_command
    from django.db import transaction

    from xinfang.documents.models import Document

    settings.MEDIA_ROOT = str(tmp_path)
    org = build_org()
    import hashlib

    content = _docx("正文")
    rendered = services.Rendered(content=content, template_version="t1", checksum=hashlib.sha256(content).hexdigest())
    args: dict[str, Any] = dict(
        actor="系统",
        kind="reply",
        title="信访事项处理意见书",
        subject_type="petition",
        reference="X-1",
        issuer=org.county_office,
        recipient="信访人",
        for_petitioner=True,
        doc_number="扶信〔2026〕1号",
        rendered=rendered,
    )
    kept = services.document_store(subject_id=1, **args)
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = services.document_store(subject_id=2, **args)
        lost_name = str(lost.file.name)
        raise RuntimeError("rolled back")
    storage = kept.file.storage
    assert storage.exists(lost_name) and not Document.objects.filter(subject_id=2).exists()

    out = io.StringIO()
    call_command("documents_prune", stdout=out)  # within the grace period: left alone
    assert json.loads(out.getvalue()) == {"checked": 2, "orphans": 1, "deleted": 0}
    call_command("documents_prune", "--grace-minutes", "0", stdout=(out := io.StringIO()))
    assert json.loads(out.getvalue()) == {"checked": 2, "orphans": 1, "deleted": 1}
    assert not storage.exists(lost_name) and storage.exists(str(kept.file.name))
    assert services.document_content(Document.objects.get(pk=kept.pk)) == rendered.content
