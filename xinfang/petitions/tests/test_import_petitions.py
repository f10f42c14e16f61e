"""Import from .xlsx / .csv: broken files give a report and store nothing; good files import once."""

from __future__ import annotations

import csv
import io
import os
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from xinfang.core.models import AuditEvent
from xinfang.petitions import importer
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Event, ImportRecord, Petition

pytestmark = pytest.mark.django_db

GOOD = [
    [
        "",
        "来信",
        "2024-03-15",
        "王秀英",
        "11010519491231002X",
        "13812345678",
        "扶沟县建设街",
        "1",
        "411621",
        "602015",
        "求决",
        "建设街窨井盖破损",
        "建设街与人民路交叉口窨井盖破损，请尽快修复。",
        "已办结",
        "FG-SZS",
        "2024-04-02",
        "支持",
        "已更换井盖。",
    ],
    [
        "XF-OLD-0002",
        "来访",
        "2024-05-06 10:20",
        "李建国",
        "",
        "0394-8123456",
        "",
        "12",
        "411621100",
        "602006",
        "",
        "",
        "我们12人在宏达建筑公司务工，被拖欠工资8万元。",
        "",
        "",
        "",
        "",
        "",
        "李建国",  # 代表姓名: a 集体访 names its representative (or says why none)
        "",
    ],
    [
        "",
        "网上信访",
        "2024/06/01",
        "张桂兰",
        "360426199101010071",
        "",
        "",
        "",
        "411621",
        "",
        "咨询",
        "咨询低保政策",
        "想咨询低保申请条件。",
        "办理中",
        "",
        "",
        "",
        "",
    ],
]


def xlsx_bytes(rows, header=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header or importer.HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, header=None) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header or importer.HEADERS)
    w.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def run(data: bytes, name: str, personas, **kw):
    return importer.import_file(io.BytesIO(data), filename=name, actor=personas.clerk, **kw)


def nothing_stored():
    return not Petition.objects.exists() and not ImportRecord.objects.exists() and not Event.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_good_file_imports_once(personas, fmt):
    data = xlsx_bytes(GOOD) if fmt == "xlsx" else csv_bytes(GOOD)
    report = run(data, f"old.{fmt}", personas)
    assert report.committed and report.created == 3 and not report.problems, report.problems
    closed = Petition.objects.get(title="建设街窨井盖破损")
    assert closed.status == "closed" and closed.current_unit == personas.org.municipal
    assert closed.id_number_masked == "1101**********002X" and closed.reply_outcome == "support"
    assert closed.events.filter(action="register").get().actor_name == "历史数据导入"
    assert not Deadline.objects.filter(petition=closed, status="open", party="organ").exists()
    kept = Petition.objects.get(number="XF-OLD-0002")
    assert kept.status == "registered" and kept.is_group and kept.area.code == "411621100"
    assert kept.title.startswith("我们12人")
    direct = Petition.objects.get(title="咨询低保政策")
    assert direct.status == "accepted" and direct.current_unit == personas.org.county_office
    assert Deadline.objects.get(petition=direct, code="handle").status == "open"
    assert AuditEvent.objects.filter(action="petition.bulk_import").count() == 1

    again = run(data, f"old.{fmt}", personas)
    assert again.created == 0 and again.duplicates == 3 and not again.problems
    assert Petition.objects.count() == 3 and ImportRecord.objects.count() == 3


def test_wrong_headers_report_and_store_nothing(personas):
    report = run(xlsx_bytes(GOOD, header=["姓名", "电话", "事由"]), "wrong.xlsx", personas)
    assert report.fatal and not report.committed
    assert "表头与导入模板不符" in report.summary() and "信访形式" in report.summary()
    assert nothing_stored()


def test_bad_rows_listed_with_row_and_column(personas):
    bad = [list(GOOD[0]), list(GOOD[1]), list(GOOD[2])]
    bad[0][2] = "2024-13-45"  # bad date
    bad[1][4] = "110105194912310021"  # bad check digit
    bad[2][8] = "999999"  # unknown area
    report = run(xlsx_bytes(bad), "bad.xlsx", personas)
    found = {(p.row, p.column) for p in report.problems}
    assert found == {(2, "收到日期"), (3, "身份证号"), (4, "问题属地代码")}
    assert any("校验位" in p.message for p in report.problems)
    assert not report.committed and nothing_stored()
    assert "本次未导入任何数据" in report.summary()


def test_one_bad_row_blocks_all_unless_partial(personas):
    rows = [list(r) for r in GOOD]
    rows[1][1] = "飞鸽传书"
    strict = run(csv_bytes(rows), "mixed.csv", personas)
    assert strict.problems and strict.created == 0 and nothing_stored()
    partial = run(csv_bytes(rows), "mixed.csv", personas, partial=True)
    assert partial.committed and partial.created == 2 and partial.problems[0].row == 3
    assert Petition.objects.count() == 2
    # The fixed row alone is imported by the next run; the other two are recognised.
    rows[1][1] = "来访"
    fixed = run(csv_bytes(rows), "mixed.csv", personas, partial=True)
    assert fixed.created == 1 and fixed.duplicates == 2 and Petition.objects.count() == 3


def test_ten_megabytes_of_junk(personas):
    junk = os.urandom(10 * 1024 * 1024)
    for name in ("junk.csv", "junk.xlsx"):
        report = run(junk, name, personas)
        assert report.fatal and not report.committed, name
    assert nothing_stored()


def test_oversized_file_refused_before_reading(personas, settings):
    settings.XINFANG_IMPORT_MAX_BYTES = 1024
    report = run(csv_bytes(GOOD * 20), "big.csv", personas)
    assert report.fatal and "超过" in report.problems[0].message and nothing_stored()


def test_zip_bomb_refused(personas):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))  # 300 MB of zeros, ~300 KB packed
    report = run(buf.getvalue(), "bomb.xlsx", personas)
    assert report.fatal and "压缩炸弹" in report.problems[0].message
    assert nothing_stored()


def test_row_cap(personas, settings):
    settings.XINFANG_IMPORT_MAX_ROWS = 2
    report = run(csv_bytes(GOOD), "many.csv", personas)
    assert report.fatal and "上限" in report.summary() and nothing_stored()


def test_duplicate_number_is_skipped(personas):
    run(csv_bytes(GOOD[1:2]), "a.csv", personas)
    row = list(GOOD[1])
    row[12] = "另一件事，但编号相同。"
    report = run(csv_bytes([row]), "b.csv", personas)
    assert report.duplicates == 1 and report.created == 0 and Petition.objects.count() == 1


def test_area_outside_the_office_is_refused(personas):
    row = list(GOOD[1])
    row[8] = "411627"  # 太康县: not 扶沟县信访局's
    report = run(csv_bytes([row]), "x.csv", personas)
    assert report.problems[0].column == "问题属地代码" and "辖区" in report.problems[0].message


def test_command(personas, tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    out = io.StringIO()
    call_command("import_petitions", str(path), "--office", "FG-XFJ", "--no-progress", stdout=out)
    assert "新导入3件" in out.getvalue() and Petition.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["", "来信"]]))
    with pytest.raises(CommandError):
        call_command("import_petitions", str(bad), "--office", "FG-XFJ", "--no-progress", stdout=io.StringIO())


def test_page_for_clerk(client, personas):
    client.force_login(personas.clerk)
    page = client.get(reverse("petitions:io"))
    assert page.status_code == 200 and "导入历史信访事项" in page.content.decode()
    template = client.get(reverse("petitions:io-template"))
    assert template.status_code == 200
    header = [c.value for c in next(openpyxl.load_workbook(io.BytesIO(template.content)).active.iter_rows())]
    assert header == importer.HEADERS
    upload = SimpleUploadedFile("old.xlsx", xlsx_bytes(GOOD))
    r = client.post(reverse("petitions:io"), {"file": upload, "partial": "0"}, follow=True)
    # The upload becomes a job; its page has the report (more in test_views_import_job.py).
    assert r.redirect_chain[0][1] == 303 and "新导入3件" in r.content.decode()
    junk = SimpleUploadedFile("junk.xlsx", b"not a zip at all" * 100)
    r = client.post(reverse("petitions:io"), {"file": junk, "partial": "0"})
    assert r.status_code == 400 and "不是有效的Excel" in r.content.decode()


def test_page_refuses_import_to_unit_staff(client, personas):
    client.force_login(personas.handler)
    assert "导入历史信访事项" not in client.get(reverse("petitions:io")).content.decode()
    r = client.post(reverse("petitions:io"), {"file": SimpleUploadedFile("a.csv", csv_bytes(GOOD)), "partial": "0"})
    assert r.status_code == 403 and nothing_stored()
