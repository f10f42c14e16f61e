"""Export: the list's filters, masked personal data only, what the user may see, an audit record each time."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from xinfang.core.models import AuditEvent
from xinfang.petitions.tests.factories import VALID_ID, register

pytestmark = pytest.mark.django_db


def rows(response):
    content = b"".join(response.streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_export_is_masked_and_audited(client, personas):
    p = register(personas.clerk).petition
    register(personas.clerk, title="另一件", channel="letter")
    client.force_login(personas.dispatcher)
    r = client.get(reverse("petitions:io-export"), {"channel": "call"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    table = rows(r)
    assert table[0][:3] == ["编号", "信访形式", "收到时间"]
    assert len(table) == 2 and table[1][0] == p.number
    text = repr(table)
    assert VALID_ID not in text and "13812345678" not in text and "王大爷" not in text
    assert "1101**********002X" in text and "138****5678" in text and "王**" in text
    audit = AuditEvent.objects.filter(action="petition.export").get()
    assert audit.actor == personas.dispatcher and audit.data == {"filters": {"channel": "call"}, "count": 1}


def test_export_only_what_the_user_may_see(client, personas):
    register(personas.clerk)
    client.force_login(personas.outsider)
    table = rows(client.get(reverse("petitions:io-export")))
    assert len(table) == 1  # the header only
    assert AuditEvent.objects.filter(action="petition.export").get().data["count"] == 0


def test_export_refuses_too_many(client, personas, settings):
    settings.XINFANG_EXPORT_MAX_ROWS = 1
    register(personas.clerk)
    register(personas.clerk)
    client.force_login(personas.dispatcher)
    r = client.get(reverse("petitions:io-export"))
    assert r.status_code == 400 and "超过单次导出" in r.content.decode()
    assert not AuditEvent.objects.filter(action="petition.export").exists()


def test_export_requires_login(client, personas):
    assert client.get(reverse("petitions:io-export")).status_code == 302
