from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from xinfang.petitions.models import Attachment, Category, Channel, Event, Petition, Purpose
from xinfang.petitions.tests import samples
from xinfang.petitions.tests.factories import VALID_ID
from xinfang.petitions.workflow import Status

CODE_RE = re.compile(r'id="query-code">([0-9A-Z-]+)<')


def first_group(pattern: re.Pattern[str] | str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "张三",
        "phone": "13812345678",
        "id_number": VALID_ID,
        "address": "扶沟县城关镇建设街1号",
        "area": "411621100",
        "category": str(Category.objects.get(code="602015").pk),
        "purpose": Purpose.DEMAND,
        "title": "小区门口路灯不亮",
        "content": "建设街小区门口的路灯已经坏了一个月，晚上出行很不方便，请尽快维修。",
    }
    data.update(overrides)
    return data


def submit(client: Client, **overrides: Any) -> Any:
    return client.post(reverse("portal:submit"), form_data(**overrides))


def test_get_shows_the_form(client, personas):
    response = client.get(reverse("portal:submit"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="submit-form"' in html
    assert "城关镇" in html and "扶沟县" in html  # county and township areas
    assert "河南省" not in html  # province is not a 问题属地 choice
    assert "城乡建设" in html  # categories
    assert "要求对我的身份保密" in html


def test_submit_shows_number_and_code_once(client, personas):
    response = submit(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:submitted")  # no code in the URL

    page = client.get(response["Location"])
    html = page.content.decode()
    petition = Petition.objects.get()
    assert page.status_code == 200
    assert f'id="petition-number">{petition.number}<' in html
    code = first_group(CODE_RE, html)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    assert "只显示这一次" in html

    again = client.get(reverse("portal:submitted")).content.decode()
    assert code not in again and "查询码已显示过" in again

    assert petition.status == Status.SUBMITTED
    assert petition.channel == Channel.ONLINE
    assert petition.phone_masked == "138****5678"
    assert petition.office_unit == personas.org.county_office
    assert petition.area == personas.org.chengguan
    assert Event.objects.filter(petition=petition, action="submit", public=True).exists()


def test_the_code_from_the_success_page_works_on_lookup(client, personas):
    submit(client)
    code = first_group(CODE_RE, client.get(reverse("portal:submitted")).content.decode())
    petition = Petition.objects.get()

    other_browser = Client()
    response = other_browser.post(reverse("portal:lookup"), {"number": petition.number, "code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:case", args=[petition.number])
    case = other_browser.get(response["Location"])
    assert case.status_code == 200
    assert petition.title in case.content.decode()


def test_confidential_and_accused_person_are_kept(client, personas):
    submit(client, purpose=Purpose.ACCUSATION, accused_person="某某站长", confidential="on")
    petition = Petition.objects.get()
    assert petition.confidential is True
    assert petition.accused_person == "某某站长"
    assert petition.is_accusation


def test_attachments_are_saved(client, personas):
    files = [
        SimpleUploadedFile("照片.jpg", samples.JPEG, content_type="image/jpeg"),
        SimpleUploadedFile("说明.pdf", samples.PDF, content_type="application/pdf"),
    ]
    response = client.post(reverse("portal:submit"), {**form_data(), "attachments": files})
    assert response.status_code == 302
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["照片.jpg", "说明.pdf"]


BAD_INPUT = [
    ({"content": ""}, "content", "请填写信访事项的主要诉求及事实理由"),
    ({"content": "   "}, "content", "请填写信访事项的主要诉求及事实理由"),
    ({"id_number": "110105194912310021"}, "id_number", "身份证号校验位不正确"),
    ({"phone": "12345678901"}, "phone", "手机号码格式不正确"),
    ({"phone": ""}, "phone", "请填写手机号码"),
    ({"name": ""}, "name", "请填写您的姓名"),
    ({"area": ""}, "area", "请选择问题发生地"),
    ({"area": "41"}, "area", "请选择问题发生地"),  # a province is not offered
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"), BAD_INPUT, ids=[b[1] + str(i) for i, b in enumerate(BAD_INPUT)]
)
def test_bad_input_gives_a_chinese_message_and_stores_nothing(client, personas, overrides, field, message):
    response = submit(client, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert not Petition.objects.exists()
    assert not Event.objects.exists()


def test_script_in_the_title_is_escaped_when_the_form_comes_back(client, personas):
    response = submit(client, title="<script>alert(1)</script>", content="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not Petition.objects.exists()


def test_script_in_the_title_is_escaped_on_the_case_page(client, personas):
    submit(client, title="<script>alert(1)</script>", content="<b>粗体</b>内容")
    petition = Petition.objects.get()
    html = client.get(reverse("portal:case", args=[petition.number])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_20_mb_attachment_gives_a_chinese_message_and_stores_nothing(client, personas, settings):
    big = SimpleUploadedFile("录像.mp4", b"0" * (20 * 1024 * 1024), content_type="video/mp4")
    response = client.post(reverse("portal:submit"), {**form_data(), "attachments": [big]})
    html = response.content.decode()
    assert response.status_code in (400, 413)
    assert "MB" in html and ("上限" in html or "过大" in html)
    assert not Petition.objects.exists()
    assert not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_a_single_file_over_the_per_file_limit_gets_the_service_message(client, personas, settings):
    settings.XINFANG_MAX_ATTACHMENT_BYTES = 1024
    big = SimpleUploadedFile("大文件.pdf", b"0" * 2048, content_type="application/pdf")
    response = client.post(reverse("portal:submit"), {**form_data(), "attachments": [big]})
    assert response.status_code == 400
    assert "超过单个附件" in response.content.decode()
    assert not Petition.objects.exists()


def test_request_over_the_hard_size_guard_is_refused_before_reading(client, personas):
    # The guard reads CONTENT_LENGTH only; the body is never parsed.
    response = client.post(reverse("portal:submit"), form_data(), CONTENT_LENGTH=str(500 * 1024 * 1024))
    html = response.content.decode()
    assert response.status_code == 413
    assert "提交的内容过大" in html
    assert not Petition.objects.exists()


def test_too_many_files_gives_a_message(client, personas):
    files = [SimpleUploadedFile(f"{i}.txt", b"abc", content_type="text/plain") for i in range(6)]
    response = client.post(reverse("portal:submit"), {**form_data(), "attachments": files})
    assert response.status_code == 400
    assert "附件最多5个" in response.content.decode()
    assert not Petition.objects.exists()


def test_csrf_is_still_enforced(personas):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("portal:submit"), form_data())
    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_csrf_token_from_the_form_is_accepted(personas):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(reverse("portal:submit")).content.decode()
    token = first_group(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    response = strict.post(reverse("portal:submit"), {**form_data(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Petition.objects.count() == 1


def test_the_petitioner_chooses_the_query_code_by_sms_and_an_email(
    client, personas, django_capture_on_commit_callbacks
):
    """On the portal the petitioner asks for the 查询码 by SMS and may give an e-mail: the SMS then carries
    the code (masked in the outbox), and the notices go to the e-mail too; without asking, no code by SMS."""
    from xinfang.notifications.models import Message

    with django_capture_on_commit_callbacks(execute=True):
        submit(client, send_query_code="on", email="zhangsan@example.cn")
    sms = Message.objects.filter(channel="sms").order_by("id")
    first = sms.first()
    assert first is not None and "查询码****" in first.body
    assert Message.objects.filter(channel="email").exists()
    assert "zhangsan@example.cn" not in str(list(Message.objects.values_list("to_masked", flat=True)))

    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, title="另一件事", content="另一件事情的诉求内容，请有关部门尽快处理。")
    assert not any("查询码" in m.body for m in Message.objects.filter(channel="sms"))
    assert not Message.objects.filter(channel="email").exists()


def test_a_wrong_email_is_refused_in_chinese_and_nothing_is_stored(client, personas):
    count = Petition.objects.count()
    response = submit(client, email="not-an-email")
    assert response.status_code == 400
    assert "请填写正确的电子邮箱地址" in response.content.decode()
    assert Petition.objects.count() == count
