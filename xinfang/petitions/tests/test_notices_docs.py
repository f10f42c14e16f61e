"""The written notices: each rendered from a case in its state, opened with python-docx and read."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document as Docx

from xinfang.core.audit_check import audit_verify
from xinfang.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from xinfang.core.timeutil import local_date
from xinfang.documents import services as docs
from xinfang.documents.models import Document
from xinfang.petitions import services
from xinfang.petitions.models import Event
from xinfang.petitions.notices_docs import notice_issue
from xinfang.petitions.tests.factories import advance, register

pytestmark = pytest.mark.django_db

LEFTOVERS = ("{{", "{%", "None", "（）", "()", "…一事，", "的上一级机关")


def text_of(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs)


def issue(personas, petition, kind, actor=None):
    doc = notice_issue(actor=actor or personas.dispatcher, petition_id=petition.pk, kind=kind)
    return doc, text_of(docs.document_content(doc))


def assert_clean(text: str) -> None:
    for bad in LEFTOVERS:
        assert bad not in text, f"{bad!r} left in:\n{text}"
    assert not re.search(r"[。，]{2}", text), text


def _replied(personas):
    return advance(register(personas.clerk).petition, "replied", personas=personas)


def _reviewed(personas):
    p = _replied(personas)
    services.petition_request_review(petition_id=p.pk, reason="维修质量不好")
    services.petition_decide_review(
        actor=personas.reviewer, petition_id=p.pk, outcome="uphold", text="经现场核查，井盖已更换且符合标准。"
    )
    p.refresh_from_db()
    return p


def test_acceptance_names_the_unit_the_number_and_articles(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    doc, text = issue(personas, p, "acceptance", actor=personas.handler)
    assert doc.doc_number == f"扶市受〔{local_date(doc.created_at).year}〕1号"
    assert doc.doc_number in text and "受理告知书" in text
    assert "王大爷：" in text
    assert "扶沟县市政所" in text and "经扶沟县信访局转送本机关" in text
    assert "第二十三条" in text and "第三十四条" in text and "60日内" in text
    assert p.number in text
    assert_clean(text)


def test_rejection_gives_reason_and_legal_route(personas):
    p = register(personas.clerk).petition
    services.petition_reject(
        actor=personas.dispatcher, petition_id=p.pk, reason="该纠纷已由法院立案审理。", legal_route="litigation"
    )
    doc, text = issue(personas, p, "rejection")
    assert doc.issuer == personas.org.county_office
    assert doc.doc_number.startswith("扶信不受〔")
    assert "决定不予受理" in text and "理由是：该纠纷已由法院立案审理。" in text
    assert "向人民法院提起诉讼" in text and "第二十八条" in text and "第三十一条" in text
    assert_clean(text)


def test_assign_letter_has_deadline_and_completion_report_contents(personas):
    import datetime as dt

    p = register(personas.clerk).petition
    due = dt.date.today() + dt.timedelta(days=40)
    services.petition_dispatch(
        actor=personas.dispatcher, petition_id=p.pk, unit=personas.org.municipal, mode="assign", assign_due_date=due
    )
    doc, text = issue(personas, p, "transfer")
    assert doc.doc_number.startswith("扶信转〔") and not doc.for_petitioner
    assert "信访事项交办函" in text and "扶沟县市政所：" in text
    assert f"{due.year}年{due.month}月{due.day}日前办结" in text
    assert "办结报告应当写明" in text and "5个工作日" in text and "第二十二条" in text
    assert "附件：1. 信访事项登记信息及相关材料" in text
    assert_clean(text)


def test_extension_tells_reason_days_and_new_due_date(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    services.petition_request_extension(actor=personas.handler, petition_id=p.pk, days=20, reason="因需要现场勘验")
    services.petition_decide_extension(actor=personas.head, petition_id=p.pk, approve=True)
    doc, text = issue(personas, p, "extension", actor=personas.handler)
    assert "因需要现场勘验，" in text and "因因" not in text
    assert "延长20日，延长至" in text and "第三十四条" in text
    assert doc.doc_number in text
    assert_clean(text)


def test_reply_names_the_real_review_organ_once_and_says_outcome_once(personas):
    p = _replied(personas)
    personas.org.county_gov.phone = "0394-6212345"
    personas.org.county_gov.save()
    doc, text = issue(personas, p, "reply", actor=personas.handler)
    assert doc.issuer == personas.org.municipal and doc.doc_number.startswith("扶市处〔")
    assert "信访处理意见书" in text
    assert text.count("复查") == 1 and "向扶沟县委县政府（电话：0394-6212345）书面提出复查请求" in text
    assert "第三十五条" in text and "第三十二条" in text
    assert "一、您的诉求。" in text and "二、查明的事实。经查属实。" in text
    assert "本意见的依据是：《城市道路管理条例》。" in text
    assert text.count("支持") == 1
    assert "信访处理意见书（" not in text.split("\n", 3)[-1]  # no internal header inside the body
    assert "抄送：扶沟县信访局。" in text
    assert_clean(text)


def test_review_and_recheck_name_the_next_organ_and_finality(personas):
    p = _reviewed(personas)
    reply_doc, _ = issue(personas, p, "reply", actor=personas.dispatcher)
    doc, text = issue(personas, p, "review", actor=personas.reviewer)
    assert doc.issuer == personas.org.county_gov and doc.doc_number.startswith("扶委复查〔")
    assert f"信访处理意见（{reply_doc.doc_number}）" in text
    assert "决定维持原处理意见" in text and "向周口市委市政府书面提出复核请求" in text and "第三十六条" in text
    assert_clean(text)

    services.petition_request_recheck(petition_id=p.pk, reason="仍不服")
    services.petition_decide_recheck(
        actor=personas.city_reviewer, petition_id=p.pk, outcome="uphold", text="复查意见认定事实清楚。"
    )
    doc, text = issue(personas, p, "recheck", actor=personas.city_reviewer)
    assert doc.issuer == personas.org.city_gov and "复核意见书" in text
    assert "本复核意见为终结意见" in text and "第三十六条第三款" in text and "不再受理" in text
    assert "扶沟县委县政府" in text
    assert_clean(text)


def test_notice_not_in_state_refused_and_nothing_written(personas):
    p = register(personas.clerk).petition
    with pytest.raises(InvalidTransition, match="尚未答复，不能生成信访处理意见书"):
        notice_issue(actor=personas.dispatcher, petition_id=p.pk, kind="reply")
    with pytest.raises(ValidationFailed, match="未知的文书种类"):
        notice_issue(actor=personas.dispatcher, petition_id=p.pk, kind="bogus")
    assert Document.objects.count() == 0
    assert not Event.objects.filter(action="issue_document").exists()


def test_outsider_cannot_print(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    with pytest.raises(NotPermitted):
        notice_issue(actor=personas.outsider, petition_id=p.pk, kind="acceptance")
    assert Document.objects.count() == 0


def test_regenerating_is_a_new_version_same_number_old_kept(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    first, _ = issue(personas, p, "acceptance")
    first_bytes = docs.document_content(first)
    second, _ = issue(personas, p, "acceptance")
    assert second.pk != first.pk and second.version == 2 and first.version == 1
    assert second.doc_number == first.doc_number
    first.refresh_from_db()
    assert docs.document_content(first) == first_bytes  # the earlier version is untouched
    events = Event.objects.filter(petition=p, action="issue_document")
    assert [e.data["version"] for e in events.order_by("id")] == [1, 2]
    first_event = events.order_by("id").first()
    assert first_event is not None and first_event.public and "受理告知书" in first_event.public_text
    ok, _, _, _ = audit_verify()
    assert ok


def test_command_writes_the_docx(personas, tmp_path: Path):
    p = _replied(personas)
    out = tmp_path / "reply.docx"
    call_command("render_notice", p.number, "reply", "--out", str(out))
    text = text_of(out.read_bytes())
    assert "信访处理意见书" in text and "扶沟县委县政府" in text
    assert Document.objects.filter(subject_id=p.pk, kind="reply").count() == 1


@pytest.mark.parametrize(
    ("kind", "message"), [("bogus", "未知的文书种类"), ("review", "尚未作出复查意见，不能生成复查意见书")]
)
def test_command_exits_2_with_chinese_message(personas, tmp_path: Path, kind, message):
    p = _replied(personas)
    with pytest.raises(CommandError, match=message) as exc:
        call_command("render_notice", p.number, kind, "--out", str(tmp_path / "x.docx"))
    assert exc.value.returncode == 2
    assert not (tmp_path / "x.docx").exists()
    assert not Document.objects.filter(kind=kind).exists()


def test_command_unknown_case_exits_2(db, tmp_path: Path):
    with pytest.raises(CommandError, match="不存在") as exc:
        call_command("render_notice", "411621-2026-999999", "reply", "--out", str(tmp_path / "x.docx"))
    assert exc.value.returncode == 2


@pytest.mark.skipif(docs.pdf_converter() is None, reason="LibreOffice (soffice) not installed")
def test_pdf_from_the_notice(personas, tmp_path: Path):
    p = _replied(personas)
    out, pdf = tmp_path / "r.docx", tmp_path / "r.pdf"
    call_command("render_notice", p.number, "reply", "--out", str(out), "--pdf", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
