"""The portal form: every bad field is reported in one round; a disguised program is refused."""

from __future__ import annotations

from django.urls import reverse

from xinfang.petitions.models import Attachment, Event, Petition
from xinfang.petitions.tests import samples

from .test_views_submit import form_data


def test_three_bad_fields_give_three_messages_at_once(client, personas):
    response = client.post(
        reverse("portal:submit"),
        form_data(phone="12345678901", id_number="110105194912310021", content=""),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "手机号码格式不正确" in errors["phone"][0]
    assert "身份证号校验位不正确" in errors["id_number"][0]
    assert "请填写信访事项的主要诉求及事实理由" in errors["content"][0]
    html = response.content.decode()
    assert 'id="id_phone_error"' in html and 'id="id_id_number_error"' in html and 'id="id_content_error"' in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert not Petition.objects.exists() and not Event.objects.exists()


def test_a_program_named_pdf_is_refused_on_the_portal(client, personas, settings):
    exe = samples.upload("报告.pdf", samples.EXE, "application/pdf")
    response = client.post(reverse("portal:submit"), {**form_data(), "attachments": [exe]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "附件“报告.pdf”的文件类型不允许上传" in html and "允许的类型：PDF" in html
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_a_zip_renamed_docx_is_refused_and_a_real_docx_is_stored(client, personas):
    bad = samples.upload("证据.docx", samples.ZIP)
    response = client.post(reverse("portal:submit"), {**form_data(), "attachments": [bad]})
    assert response.status_code == 400 and "附件“证据.docx”的文件类型不允许上传" in response.content.decode()
    good = samples.upload("证据.docx", samples.DOCX)
    response = client.post(reverse("portal:submit"), {**form_data(), "attachments": [good]})
    assert response.status_code == 302
    att = Attachment.objects.get()
    assert att.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
