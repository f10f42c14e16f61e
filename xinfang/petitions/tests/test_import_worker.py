"""Imports on the real task queue: the database backend of django-tasks and its worker.

A job waits in the queue until a worker takes it; a worker killed in the middle of an import leaves
nothing imported, and the recovery marks the job 中断 with the reason; the same file uploaded again
is then imported once, completely.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from xinfang.petitions import import_jobs, importer
from xinfang.petitions.models import ImportJob, Petition
from xinfang.petitions.tests.test_import_petitions import GOOD, csv_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def many_rows(n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        row = list(GOOD[2])
        row[12] = f"想咨询低保申请条件（第{i}件）。"
        rows.append(row)
    return rows


def run_worker() -> None:
    """The library's worker loop, in this process: every task in the queue, then return."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def submit(client, data: bytes, name: str = "old.csv"):
    return client.post(reverse("petitions:io"), {"file": SimpleUploadedFile(name, data), "partial": "0"})


def test_job_waits_in_the_queue_until_a_worker_runs_it(client, personas, db_tasks):
    client.force_login(personas.clerk)
    r = submit(client, csv_bytes(GOOD))
    assert r.status_code == 303
    job = ImportJob.objects.get()
    task = DBTaskResult.objects.get()
    assert (
        job.status == ImportJob.State.QUEUED
        and task.status == "READY"
        and task.args_kwargs["kwargs"] == {"job_id": job.pk}
    )
    page = client.get(r["Location"]).content.decode()
    assert "排队中，等待后台服务处理" in page and 'hx-trigger="every 1s"' in page
    assert Petition.objects.count() == 0

    run_worker()

    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == ImportJob.State.DONE and job.report["created"] == 3 and not job.file
    assert task.status == "SUCCESSFUL" and Petition.objects.count() == 3
    page = client.get(r["Location"]).content.decode()
    assert "已完成" in page and 'hx-trigger="every 1s"' not in page


def test_a_job_queued_for_long_tells_the_clerk_the_service_may_be_stopped(client, personas, db_tasks):
    client.force_login(personas.clerk)
    r = submit(client, csv_bytes(GOOD))
    ImportJob.objects.update(created_at=timezone.now() - import_jobs.QUEUED_LONG_AFTER * 2)
    page = client.get(r["Location"]).content.decode()
    assert "后台任务服务可能未运行" in page and ImportJob.objects.get().status == ImportJob.State.QUEUED


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="xinfang.petitions.tests.worker_settings",
        XINFANG_TEST_DB_NAME=str(connection.settings_dict["NAME"]),
        PYTHONPATH=str(ROOT),
    )
    return env


def test_worker_killed_mid_import_leaves_nothing_and_the_job_says_why(client, personas, db_tasks):
    rows = many_rows(6000)
    client.force_login(personas.clerk)
    job_url = submit(client, csv_bytes(rows), "big.csv")["Location"]
    job = ImportJob.objects.get()
    upload_name = job.file.name
    assert upload_name
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0"],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:  # the worker is inside the import once it has published its first 500 rows
            live = import_jobs._live(job.pk)
            if live and live["done"] >= 500:
                break
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker did not start the import"
            time.sleep(0.01)
        assert live["pid"] == worker.pid
        worker.send_signal(signal.SIGKILL)  # no chance to clean up
    finally:
        worker.kill()
        worker.wait(timeout=30)

    job.refresh_from_db()
    assert job.status == ImportJob.State.RUNNING  # as the dead worker left it
    assert Petition.objects.count() == 0  # the import is one transaction: none of it is there

    out = _call("import_jobs_recover")  # what a restarted worker runs first
    assert str(job.pk) in out
    job.refresh_from_db()
    assert job.status == ImportJob.State.INTERRUPTED and job.error == import_jobs.INTERRUPTED_MESSAGE
    assert "本次未导入任何数据" in job.error and not job.file and not default_storage.exists(upload_name)
    assert Petition.objects.count() == 0
    page = client.get(job_url).content.decode()
    assert "中断" in page and "本次未导入任何数据" in page and 'hx-trigger="every 1s"' not in page

    # The same file again, with a worker that lives: every row once.
    submit(client, csv_bytes(rows), "big.csv")
    run_worker()
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert again.status == ImportJob.State.DONE and again.report["created"] == 6000
    assert Petition.objects.count() == 6000


def _call(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_recovery_leaves_live_and_queued_jobs_alone(client, personas, db_tasks):
    client.force_login(personas.clerk)
    submit(client, csv_bytes(GOOD))
    queued = ImportJob.objects.get()
    # A job running in a worker on another machine whose heartbeat is fresh.
    running = ImportJob.objects.create(
        started_by=personas.clerk,
        office=personas.org.county_office,
        filename="other.csv",
        status=ImportJob.State.RUNNING,
    )
    import_jobs._publish(running.pk, 500, 6000)
    path = import_jobs._progress_path(running.pk)
    path.write_text(path.read_text().replace(import_jobs._HOST, "another-host"))
    ImportJob.objects.filter(pk=running.pk).update(started_at=running.created_at, progress_at=running.created_at)
    try:
        assert import_jobs.import_jobs_recover() == []
        assert ImportJob.objects.get(pk=running.pk).status == ImportJob.State.RUNNING
        assert ImportJob.objects.get(pk=queued.pk).status == ImportJob.State.QUEUED
        # Once its heartbeat (file and row) is older than STALE_AFTER it is considered gone.
        later = timezone.now() + import_jobs.STALE_AFTER + dt.timedelta(seconds=5)
        assert import_jobs.import_jobs_recover(now=later) == [running.pk]
        assert ImportJob.objects.get(pk=running.pk).status == ImportJob.State.INTERRUPTED
        assert ImportJob.objects.get(pk=queued.pk).status == ImportJob.State.QUEUED
    finally:
        path.unlink(missing_ok=True)


@pytest.mark.postgres_only
def test_on_postgresql_progress_is_visible_to_other_connections_while_the_import_runs(personas, db_tasks, monkeypatch):
    """The import is one transaction; its progress goes through a second connection (see import_jobs)."""
    real_parse = importer.parse_row

    def slow_parse(*args, **kwargs):
        time.sleep(0.002)  # ~2,000 rows in 4 s: several progress writes
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(importer.run, "parse_row", slow_parse)  # where run_import reads it
    job = import_jobs.import_job_create(
        actor=personas.clerk,
        upload=SimpleUploadedFile("m.csv", csv_bytes(many_rows(2000))),
        filename="m.csv",
        partial=False,
    )
    seen = set()
    worker = threading.Thread(target=run_worker)
    worker.start()
    while worker.is_alive():
        done, total, status = ImportJob.objects.filter(pk=job.pk).values_list("rows_done", "rows_total", "status")[0]
        if status == ImportJob.State.RUNNING:
            seen.add((done, total))
        time.sleep(0.05)
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE and job.rows_done == 2000
    assert any(0 < done < 2000 and total == 2000 for done, total in seen), seen
