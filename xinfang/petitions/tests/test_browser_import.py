"""In real headless Chromium: a clerk uploads a CSV, watches the job page and reads the report."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect

from xinfang.petitions.models import ImportJob, Petition
from xinfang.petitions.tests.test_import_petitions import GOOD, csv_bytes
from xinfang.petitions.tests.test_import_worker import DB_TASKS, run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_imports_a_file_and_sees_the_report(live_server, page, personas, settings):
    settings.TASKS = DB_TASKS  # as in production: the job waits in the queue for a worker, the page polls
    rows = [list(r) for r in GOOD]
    rows[1][1] = "飞鸽传书"
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "pass-word-123")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/.*"))
    page.click("text=导入/导出")
    page.set_input_files(
        "#id_file", files=[{"name": "历史数据.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}]
    )
    page.check("input[name=partial][value='1']")
    page.click("text=开始导入")
    page.wait_for_url(re.compile(r".*/io/import/\d+/$"))
    assert "排队中" in page.locator("#import-state").inner_text()  # no worker yet
    assert page.locator("#import-job progress").count() == 1
    worker = threading.Thread(target=run_worker)  # the library's worker loop, as `manage.py db_worker` runs it
    worker.start()
    report = page.locator("#import-report")
    report.wait_for()  # brought by htmx polling, without a reload
    text = report.inner_text()
    assert "新导入2件" in text and "第3行" in text and "不是有效的信访形式" in text
    assert "已完成" in page.locator("#import-state").inner_text()
    worker.join(timeout=60)
    assert Petition.objects.count() == 2 and ImportJob.objects.get().status == ImportJob.State.DONE
    page.click("text=返回导入/导出")
    expect(page.locator("#import-jobs")).to_contain_text("历史数据.csv")
