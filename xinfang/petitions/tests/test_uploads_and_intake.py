"""Attachments judged by content; a 集体访 names its representatives; every field's error at once."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from xinfang.core.errors import ValidationFailed
from xinfang.petitions import services, uploads
from xinfang.petitions.models import Attachment, Channel, Event, Petition
from xinfang.petitions.tests import samples
from xinfang.petitions.tests.factories import register
from xinfang.petitions.tests.test_views import login, register_payload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# ---------------------------------------------------------------- 1. the kind of a file, by its bytes


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("扫描件.pdf", samples.PDF, "pdf"),
        ("照片.jpg", samples.JPEG, "jpg"),
        ("照片.png", samples.PNG, "png"),
        ("材料.docx", samples.DOCX, "docx"),
        ("表格.xlsx", samples.XLSX, "xlsx"),
        ("录音.wav", samples.WAV, "wav"),
        ("录音.amr", samples.AMR, "amr"),
        ("说明.txt", "我家的房子漏雨，请尽快处理。\n".encode(), "txt"),
        ("说明.txt", "我家的房子漏雨，请尽快处理。\n".encode("gb18030"), "txt"),
        # The name does not matter: a PDF called .txt is a PDF.
        ("说明.txt", samples.PDF, "pdf"),
    ],
)
def test_allowed_kinds_are_recognised_by_content(name, data, kind):
    assert uploads.check_upload(samples.upload(name, data)).kind == kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("报告.pdf", samples.EXE),  # a Windows program with a harmless name
        ("材料.docx", samples.ZIP),  # any zip renamed .docx is not a Word document
        ("说明.txt", b"abc\x00\x01\x02binary"),  # NUL bytes: not text
        ("说明.txt", b"\xff\xfe\xfd\x80\x80"),  # neither UTF-8 nor GB18030
    ],
)
def test_other_content_is_refused_with_the_allowed_kinds_named(name, data):
    with pytest.raises(ValidationFailed) as exc:
        uploads.check_upload(samples.upload(name, data, "application/pdf"))
    assert f"附件“{name}”的文件类型不允许上传" in exc.value.message
    assert "PDF" in exc.value.message and "Word(docx)" in exc.value.message


def test_the_allowed_kinds_come_from_the_settings(settings):
    settings.XINFANG_ATTACHMENT_TYPES = ["pdf"]
    uploads.check_upload(samples.upload("a.pdf", samples.PDF))
    with pytest.raises(ValidationFailed) as exc:
        uploads.check_upload(samples.upload("a.png", samples.PNG))
    assert exc.value.message.endswith("允许的类型：PDF")


def test_staff_register_refuses_an_exe_named_pdf_and_stores_nothing(client, personas, settings):
    exe = samples.upload("报告.pdf", samples.EXE, "application/pdf")
    r = login(client, personas.clerk).post(reverse("petitions:register"), {**register_payload(), "attachments": exe})
    assert r.status_code == 400
    assert "附件“报告.pdf”的文件类型不允许上传" in r.content.decode()
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_service_refuses_a_bad_file_whatever_the_caller(personas, settings):
    with pytest.raises(ValidationFailed) as exc:
        register(personas.clerk, attachments=[samples.upload("材料.docx", samples.ZIP)])
    assert "附件“材料.docx”的文件类型不允许上传" in exc.value.errors["attachments"][0]
    assert not Petition.objects.exists() and not Attachment.objects.exists()


def test_attach_on_a_case_refuses_a_bad_file_and_writes_no_event(client, personas):
    p = register(personas.clerk).petition
    events = Event.objects.filter(petition=p).count()
    r = login(client, personas.clerk).post(
        reverse("petitions:act", args=[p.pk, "attach"]),
        {"attach-kind": "evidence", "attach-files": samples.upload("报告.pdf", samples.EXE)},
    )
    assert r.status_code == 400
    assert "附件“报告.pdf”的文件类型不允许上传" in r.content.decode()
    assert not Attachment.objects.exists()
    assert Event.objects.filter(petition=p).count() == events
    with pytest.raises(ValidationFailed):
        services.petition_attach(
            actor=personas.clerk, petition_id=p.pk, files=[samples.upload("x.pdf", samples.EXE)], kind="evidence"
        )
    assert not Attachment.objects.exists()


def test_a_good_file_is_stored_with_the_type_its_bytes_show(personas):
    # The browser claims PDF; the bytes are a JPEG: the row says what the bytes are.
    register(personas.clerk, attachments=[samples.upload("照片.pdf", samples.JPEG, "application/pdf")])
    att = Attachment.objects.get()
    assert att.content_type == "image/jpeg" and att.original_name == "照片.pdf"


# ---------------------------------------------------------------- 2. 集体访 and its representatives


def test_group_visit_without_representative_is_refused(personas):
    with pytest.raises(ValidationFailed) as exc:
        register(personas.clerk, channel=Channel.VISIT, headcount=30)
    assert "请至少登记一名代表" in exc.value.errors["representatives"][0]
    assert not Petition.objects.exists() and not Event.objects.exists()


def test_group_visit_with_a_representative_or_a_reason_is_registered(personas):
    p = register(personas.clerk, channel=Channel.VISIT, headcount=30, representatives=[{"name": "李四"}]).petition
    assert p.is_group and p.representatives.count() == 1
    q = register(
        personas.clerk, channel=Channel.VISIT, headcount=30, no_representative_reason="群众拒绝推选代表"
    ).petition
    assert q.is_group and q.representatives.count() == 0
    note = Event.objects.get(petition=q, action="register").note
    assert "未推选代表：群众拒绝推选代表" in note


def test_below_the_threshold_no_representative_is_needed(personas, settings):
    settings.XINFANG_GROUP_VISIT_THRESHOLD = 10
    p = register(personas.clerk, channel=Channel.VISIT, headcount=9).petition
    assert not p.is_group


def test_staff_form_asks_for_a_representative(client, personas):
    url = reverse("petitions:register")
    r = login(client, personas.clerk).post(url, register_payload(channel="visit", headcount="30"))
    assert r.status_code == 400
    assert "请至少登记一名代表" in " ".join(r.context["form"].errors["no_representative_reason"])
    assert not Petition.objects.exists()
    r = client.post(url, register_payload(channel="visit", headcount="30", no_representative_reason="群众拒绝推选"))
    assert r.status_code == 302 and Petition.objects.get().is_group


def test_api_registration_gets_the_same_rule(client, personas):
    client.force_login(personas.clerk)
    body = {"channel": "visit", "content": "三十位村民反映征地补偿款未发放。", "headcount": 30}
    r = client.post("/api/v1/petitions/", body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert "请至少登记一名代表" in r.content.decode()
    assert not Petition.objects.exists()
    body["representatives"] = [{"name": "李四"}]
    r = client.post("/api/v1/petitions/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    body = {**body, "representatives": [], "no_representative_reason": "群众拒绝推选代表"}
    r = client.post("/api/v1/petitions/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert Petition.objects.filter(is_group=True).count() == 2


# ---------------------------------------------------------------- 3. all errors in one round


def test_service_reports_every_bad_field_at_once(personas):
    with pytest.raises(ValidationFailed) as exc:
        register(
            personas.clerk,
            content="",
            petitioner={"name": "王", "id_number": "110105194912310021", "phone": "12345678901"},
            channel=Channel.VISIT,
            headcount=30,
        )
    assert {"content", "id_number", "phone", "representatives"} <= set(exc.value.errors)


def test_staff_form_shows_three_errors_at_once(client, personas):
    r = login(client, personas.clerk).post(
        reverse("petitions:register"),
        register_payload(id_number="110105194912310021", phone="12345678901", content=""),
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "身份证号校验位不正确" in html
    assert "手机号码格式不正确" in html
    assert "请填写信访事项的主要诉求及事实理由" in html
    assert not Petition.objects.exists()


def test_import_reports_a_group_visit_without_representative_as_a_row_error(personas):
    from xinfang.petitions import importer

    rows = [
        {
            "信访形式": "来访",
            "收到日期": "2026-03-02",
            "问题属地代码": "411621",
            "主要诉求": "征地补偿",
            "信访人数": "30",
        },
        {
            "信访形式": "来访",
            "收到日期": "2026-03-02",
            "问题属地代码": "411621",
            "主要诉求": "拆迁安置",
            "信访人数": "30",
            "代表姓名(可空)": "李四、王五",
        },
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=importer.HEADERS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    report = importer.import_file(
        io.BytesIO(out.getvalue().encode("utf-8-sig")), filename="a.csv", actor=personas.clerk, partial=True
    )
    messages = " ".join(f"{p.row} {p.column} {p.message}" for p in report.problems)
    assert "代表姓名" in messages and "请至少登记一名代表" in messages
    assert Petition.objects.count() == 1
    assert Petition.objects.get().representatives.count() == 2
