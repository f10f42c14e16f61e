"""The staff import page queues a background job; its page shows progress, then the report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from xinfang.accounts.models import Role
from xinfang.accounts.tests.factories import make_user
from xinfang.petitions import import_jobs, importer
from xinfang.petitions.models import ImportJob, Petition
from xinfang.petitions.tests.test_import_petitions import GOOD, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str = "old.csv", partial: str = "0"):
    return client.post(reverse("petitions:io"), {"file": SimpleUploadedFile(name, data), "partial": partial})


def job_url(job_id) -> str:
    return f"/staff/petitions/io/import/{job_id}/"


def stored_uploads() -> list[str]:
    return default_storage.listdir("imports")[1] if default_storage.exists("imports") else []


def test_clerk_uploads_csv_and_sees_the_report(client, personas):
    client.force_login(personas.clerk)
    before = set(stored_uploads())
    r = upload(client, csv_bytes(GOOD))
    job = ImportJob.objects.get()
    assert r.status_code == 303 and r["Location"] == reverse("petitions:io-job", args=[job.pk])
    assert job.status == ImportJob.State.DONE and job.rows_done == 3 and job.rows_total == 3
    assert job.started_by == personas.clerk and job.office == personas.org.county_office and not job.partial
    assert job.report["created"] == 3 and job.report["committed"] and job.finished_at
    assert Petition.objects.count() == 3
    # The upload held ID and phone numbers in clear text: gone once the job ended.
    assert not job.file and set(stored_uploads()) == before

    page = client.get(r["Location"]).content.decode()
    assert "已完成" in page and "新导入3件" in page and 'id="import-report"' in page
    assert 'hx-trigger="every 1s"' not in page  # polling stops once the job has ended
    status = client.get(reverse("petitions:io-job-status", args=[job.pk])).content.decode()
    assert "新导入3件" in status and "<h1>" not in status
    listing = client.get(reverse("petitions:io")).content.decode()
    assert 'id="import-jobs"' in listing and "old.csv" in listing


def test_same_file_again_registers_nothing_twice(client, personas):
    client.force_login(personas.clerk)
    upload(client, xlsx_bytes(GOOD), "old.xlsx")
    upload(client, xlsx_bytes(GOOD), "old.xlsx")
    second = ImportJob.objects.order_by("id").last()
    assert second is not None
    assert second.report["created"] == 0 and second.report["duplicates"] == 3
    assert Petition.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("junk.xlsx", b"not a zip at all" * 100, "不是有效的Excel"),
        ("wrong.csv", csv_bytes(GOOD, header=["姓名", "电话", "事由"]), "表头与导入模板不符"),
        ("notes.txt", b"hello", "只能导入.xlsx或.csv文件"),
        ("binary.csv", b"\x00\x01" * 10, "不是CSV文本"),
    ],
)
def test_bad_file_gets_its_message_on_the_form_and_nothing_is_stored(client, personas, name, data, message):
    client.force_login(personas.clerk)
    before = set(stored_uploads())
    r = upload(client, data, name)
    assert r.status_code == 400 and message in r.content.decode()
    assert not ImportJob.objects.exists() and not Petition.objects.exists()
    assert set(stored_uploads()) == before


def test_oversized_file_refused_on_the_form(client, personas, settings):
    settings.XINFANG_IMPORT_MAX_BYTES = 1024
    client.force_login(personas.clerk)
    r = upload(client, csv_bytes(GOOD * 20), "big.csv")
    assert r.status_code == 400 and "上限" in r.content.decode() and "请拆分后分批导入" in r.content.decode()
    assert not ImportJob.objects.exists()


def test_problem_rows_listed_with_row_column_and_outcome(client, personas):
    rows = [list(r) for r in GOOD]
    rows[1][1] = "飞鸽传书"
    client.force_login(personas.clerk)
    strict = client.get(upload(client, csv_bytes(rows))["Location"]).content.decode()
    assert "第3行" in strict and "信访形式" in strict and "不是有效的信访形式" in strict
    assert "本次未导入任何数据" in strict and not Petition.objects.exists()
    lenient = client.get(upload(client, csv_bytes(rows), partial="1")["Location"]).content.decode()
    assert "新导入2件" in lenient and "已导入正确的行" in lenient and "第3行" in lenient
    assert Petition.objects.count() == 2


def test_unit_staff_cannot_import(client, personas):
    client.force_login(personas.handler)
    assert upload(client, csv_bytes(GOOD)).status_code == 403
    assert not ImportJob.objects.exists()


def test_others_get_404_colleagues_of_the_office_see_it(client, personas):
    client.force_login(personas.clerk)
    job = ImportJob.objects.get(pk=upload(client, csv_bytes(GOOD))["Location"].rstrip("/").rsplit("/", 1)[1])
    city_clerk = make_user("city_clerk", personas.org.city_office, Role.CLERK)
    for user in (city_clerk, personas.handler, personas.supervisor):
        client.force_login(user)
        assert client.get(job_url(job.pk)).status_code == 404, user
        assert client.get(reverse("petitions:io-job-status", args=[job.pk])).status_code == 404, user
        assert "old.csv" not in client.get(reverse("petitions:io")).content.decode()
    client.force_login(personas.dispatcher)  # same 信访部门, may import
    assert client.get(job_url(job.pk)).status_code == 200


@pytest.mark.parametrize(
    "tail", ["abc/", "-1/", "0/", "1.5/", "99999999999999999999999999/", "9223372036854775808/", "%00/", "1/status/x/"]
)
def test_hostile_job_ids_are_404_never_500(client, personas, tail):
    client.force_login(personas.clerk)
    assert client.get("/staff/petitions/io/import/" + tail).status_code == 404
    assert client.get("/staff/petitions/io/import/" + tail + "status/").status_code == 404


def test_progress_moves_every_500_rows_and_ends_at_the_row_count(client, personas, monkeypatch):
    rows = []
    for i in range(1200):
        row = list(GOOD[2])
        row[12] = f"想咨询低保申请条件（第{i}件）。"
        rows.append(row)
    seen: list[tuple[int, int | None]] = []
    real = import_jobs._publish

    def publish(job_id, done, total):
        seen.append((done, total))
        return real(job_id, done, total)

    monkeypatch.setattr(import_jobs, "_publish", publish)
    client.force_login(personas.clerk)
    upload(client, csv_bytes(rows), "many.csv")
    job = ImportJob.objects.get()
    assert (500, 1200) in seen and (1000, 1200) in seen
    assert [done for done, _t in seen] == sorted(done for done, _t in seen)  # never goes back
    assert job.status == ImportJob.State.DONE and job.rows_done == job.rows_total == 1200
    assert job.report["created"] == 1200 and Petition.objects.count() == 1200


def test_running_job_page_shows_a_progress_bar_and_polls(client, personas):
    job = ImportJob.objects.create(
        started_by=personas.clerk,
        office=personas.org.county_office,
        filename="big.xlsx",
        status=ImportJob.State.RUNNING,
        rows_done=1500,
        rows_total=6000,
        started_at=timezone.now(),
        progress_at=timezone.now(),
    )
    client.force_login(personas.clerk)
    page = client.get(job_url(job.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page and reverse("petitions:io-job-status", args=[job.pk]) in page
    assert '<progress id="import-progress" max="6000" value="1500">' in page
    assert "已处理1500行，共6000行（25%）" in page and "正在导入" in page


def test_stale_running_job_shows_interrupted_and_its_upload_is_deleted(client, personas):
    long_ago = timezone.now() - dt.timedelta(minutes=11)
    job = ImportJob.objects.create(
        started_by=personas.clerk,
        office=personas.org.county_office,
        filename="old.csv",
        status=ImportJob.State.RUNNING,
        rows_done=500,
        started_at=long_ago,
        progress_at=long_ago,
    )
    job.file.save("x.csv", ContentFile(csv_bytes(GOOD)))
    name = job.file.name
    assert name is not None
    client.force_login(personas.dispatcher)
    page = client.get(job_url(job.pk)).content.decode()
    assert "中断" in page and "请重新上传同一文件" in page and 'hx-trigger="every 1s"' not in page
    job.refresh_from_db()
    assert job.status == ImportJob.State.INTERRUPTED and not job.file and not default_storage.exists(name)
    assert "中断" in client.get(reverse("petitions:io")).content.decode()


def test_system_error_fails_the_job_with_a_chinese_message(client, personas, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "import_file", broken)
    client.force_login(personas.clerk)
    before = set(stored_uploads())
    page = client.get(upload(client, csv_bytes(GOOD))["Location"]).content.decode()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.State.FAILED and "系统错误" in job.error and "disk on fire" not in page
    assert "失败" in page and "本次未导入任何数据" in page and set(stored_uploads()) == before
