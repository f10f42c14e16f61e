"""Names and addresses sealed; downloads only through short-lived links after the access check; every
read of a case, a file or an export access-logged and shown to the 审计员."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse

from xinfang.accounts.models import Role
from xinfang.accounts.tests.factories import make_user
from xinfang.core.models import AccessLog
from xinfang.petitions.models import Attachment, Petition
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db


def _attach(petition: Petition) -> Attachment:
    att = Attachment(petition=petition, original_name="现场照片.txt", size=12, kind=Attachment.Kind.EVIDENCE)
    att.file.save("photo.txt", ContentFile(b"photo-bytes!"), save=False)
    att.save()
    return att


def _link(body: str, path: str) -> str:
    match = re.search(re.escape(path) + r"\?t=[^\"&]+", body)
    assert match, f"no signed link to {path}"
    return match.group(0).replace("&amp;", "&")


def _column_values(table: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from the introspection
        return [str(v) for row in cur.fetchall() for v in row if isinstance(v, str)]


def test_name_and_address_are_not_stored_in_clear(personas):
    p = register(
        personas.clerk, petitioner={"name": "欧阳秀兰", "address": "扶沟县崔桥镇王庄村", "id_number": "", "phone": ""}
    ).petition
    with connection.cursor() as cur:
        tables = connection.introspection.table_names(cur)
    text = [v for t in tables for v in _column_values(t)]
    assert not any("欧阳秀兰" in v or "崔桥镇王庄村" in v for v in text)
    p.refresh_from_db()
    assert p.petitioner_name == "欧阳秀兰" and p.petitioner_name_masked == "欧***"


def test_exact_full_name_search_and_masked_names_per_role(client, personas):
    p = register(personas.clerk).petition
    client.force_login(personas.dispatcher)  # the registering office: full name
    body = client.get(reverse("petitions:list"), {"q": "王大爷"}).content.decode()
    assert p.number in body and "王大爷" in body
    assert p.number not in client.get(reverse("petitions:list"), {"q": "王大"}).content.decode()
    client.force_login(personas.supervisor)  # the city office sees the county's cases by area: masked
    body = client.get(reverse("petitions:list"), {"q": "王大爷"}).content.decode()
    rows = body.split("<tbody>", 1)[1]  # the search box echoes the query
    assert p.number in rows and "王**" in rows and "王大爷" not in rows
    detail = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert "王大爷" not in detail and "扶沟县建设街" not in detail


def test_attachment_only_through_a_signed_link_after_the_access_check(client, personas):
    p = register(personas.clerk).petition
    att = _attach(p)
    path = reverse("petitions:attachment", args=[att.pk])
    client.force_login(personas.dispatcher)
    link = _link(client.get(reverse("petitions:detail", args=[p.pk])).content.decode(), path)
    r = client.get(link)
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"photo-bytes!"
    assert client.get(path).status_code == 403  # the bare URL
    assert "下载链接已失效" in client.get(path + "?t=forged").content.decode()
    client.force_login(personas.clerk)  # another user with access: the link is not theirs
    assert client.get(link).status_code == 403
    assert client.get(f"/media/{att.file.name}").status_code == 404  # no public media


def test_accused_unit_cannot_fetch_an_attachment_by_its_url(client, personas):
    p = register(personas.clerk, accused_unit=personas.org.housing, purpose="601004").petition
    att = _attach(p)
    path = reverse("petitions:attachment", args=[att.pk])
    client.force_login(personas.dispatcher)
    link = _link(client.get(reverse("petitions:detail", args=[p.pk])).content.decode(), path)
    client.force_login(personas.housing_handler)
    assert client.get(path).status_code == 404
    assert client.get(link).status_code in (403, 404)
    assert not AccessLog.objects.filter(actor=personas.housing_handler).exists()


def test_auditor_page_lists_a_case_view_with_its_actor(client, personas):
    p = register(personas.clerk).petition
    client.force_login(personas.dispatcher)
    client.get(reverse("petitions:detail", args=[p.pk]))
    client.get(reverse("petitions:io-export"))
    auditor = make_user("auditor", personas.org.city_office, Role.AUDITOR, full_name="审计员老周")
    client.force_login(personas.dispatcher)
    assert client.get(reverse("accounts:access-log")).status_code == 403
    client.force_login(auditor)
    body = client.get(reverse("accounts:access-log"), {"kind": "case_view"}).content.decode()
    rows = re.findall(r'<tr class="access-row">(.*?)</tr>', body, re.S)
    assert len(rows) == 1 and "分办员老张" in rows[0] and p.number in rows[0] and "查看信访事项" in rows[0]
    body = client.get(reverse("accounts:access-log"), {"kind": "export"}).content.decode()
    assert "导出" in body and "分办员老张" in body
    body = client.get(reverse("accounts:access-log"), {"actor": "不存在的人"}).content.decode()
    assert "没有符合条件的访问记录" in body
