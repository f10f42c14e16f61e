"""The 审计员 sees the access log of their own area and the areas under it (a superuser: all), and exports
what the filters select as CSV or Excel; the export is itself access-logged."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse

from xinfang.accounts.models import Role, User
from xinfang.accounts.tests.factories import make_user
from xinfang.core.models import AccessLog, AuditEvent
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db


def _rows(body: str) -> list[str]:
    return re.findall(r'<tr class="access-row">(.*?)</tr>', body, re.S)


@pytest.fixture
def logged(client, personas):
    """A 扶沟 case opened by its office's dispatcher, and a 太康 export."""
    p = register(personas.clerk).petition
    client.force_login(personas.dispatcher)
    client.get(reverse("petitions:detail", args=[p.pk]))
    client.force_login(personas.outsider)  # 太康县住建局
    client.get(reverse("petitions:io-export"))
    client.logout()
    assert AccessLog.objects.filter(kind="case_view", area_path=p.area_path).count() == 1
    return p


def _auditor(name: str, unit) -> User:
    return make_user(name, unit, Role.AUDITOR, full_name=f"审计员{name}")


def test_auditor_sees_only_own_area_subtree(client, personas, logged):
    org = personas.org
    client.force_login(_auditor("fugou", org.county_office))
    rows = _rows(client.get(reverse("accounts:access-log")).content.decode())
    assert len(rows) == 1 and logged.number in rows[0] and "分办员老张" in rows[0]

    client.force_login(_auditor("taikang", org.taikang_gov))
    rows = _rows(client.get(reverse("accounts:access-log")).content.decode())
    assert len(rows) == 1 and "导出" in rows[0] and logged.number not in rows[0]
    body = client.get(reverse("accounts:access-log"), {"reference": logged.number}).content.decode()
    assert "没有符合条件的访问记录" in body

    client.force_login(_auditor("city", org.city_office))  # 周口市: both counties
    assert len(_rows(client.get(reverse("accounts:access-log")).content.decode())) == 2


def test_superuser_sees_every_entry(client, personas, logged):
    AccessLog.objects.create(at=logged.received_at, actor_label="系统", kind="export", target="无区域")
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    rows = _rows(client.get(reverse("accounts:access-log")).content.decode())
    assert len(rows) == 3 and any("无区域" in r for r in rows)


def test_non_auditor_gets_403_for_page_and_export(client, personas, logged):
    client.force_login(personas.supervisor)
    assert client.get(reverse("accounts:access-log")).status_code == 403
    assert client.get(reverse("accounts:access-log-export"), {"format": "csv"}).status_code == 403


def test_csv_export_of_the_filtered_log_is_itself_logged(client, personas, logged):
    auditor = _auditor("fugou", personas.org.county_office)
    client.force_login(auditor)
    r = client.get(reverse("accounts:access-log-export"), {"kind": "case_view", "format": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["时间", "访问人", "类型"]
    assert len(table) == 2 and table[1][1] == "分办员老张" and table[1][2] == "查看信访事项"
    assert table[1][3] == logged.number
    entry = AccessLog.objects.get(actor=auditor)
    assert entry.kind == "export" and "访问日志导出（1 条）" in entry.target
    assert entry.data["filters"] == {"kind": "case_view"} and entry.data["format"] == "csv"
    assert entry.area_path == personas.org.fugou.path
    assert AuditEvent.objects.filter(action="accesslog.export", actor=auditor).exists()
    # the export shows on the page, for this auditor
    rows = _rows(client.get(reverse("accounts:access-log"), {"kind": "export"}).content.decode())
    assert len(rows) == 1 and "审计员fugou" in rows[0]


def test_excel_export_holds_the_area_rows_only(client, personas, logged):
    client.force_login(_auditor("taikang", personas.org.taikang_gov))
    r = client.get(reverse("accounts:access-log-export"), {"format": "xlsx"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert values[0][0] == "时间" and len(values) == 2
    assert values[1][2] == "导出" and logged.number not in str(values)


@override_settings(XINFANG_EXPORT_MAX_ROWS=0)
def test_too_large_an_export_is_refused_with_a_message(client, personas, logged):
    client.force_login(_auditor("fugou", personas.org.county_office))
    r = client.get(reverse("accounts:access-log-export"), {"format": "csv"}, follow=True)
    assert "超过单次导出0条的上限" in r.content.decode()
    assert not AccessLog.objects.filter(kind="export", target__startswith="访问日志导出").exists()
