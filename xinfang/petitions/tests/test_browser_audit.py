"""In real headless Chromium: a clerk opens a case and downloads its attachment through the page's signed
link; the 审计员 then finds both reads, with the clerk's name, on the access-log page, and exports them."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from xinfang.accounts.models import Role
from xinfang.accounts.tests.factories import make_user
from xinfang.petitions.models import Attachment
from xinfang.petitions.tests.factories import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-word-123")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/.*"))


def test_clerk_reads_and_the_auditor_sees_it(live_server, page, personas):
    p = register(personas.clerk).petition
    att = Attachment(petition=p, original_name="现场照片.txt", size=12, kind=Attachment.Kind.EVIDENCE)
    att.file.save("photo.txt", ContentFile(b"photo-bytes!"), save=False)
    att.save()
    make_user("auditor", personas.org.county_office, Role.AUDITOR, full_name="审计员老周")

    _login(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/staff/petitions/{p.pk}/")
    link = page.get_by_role("link", name="现场照片.txt")
    assert re.search(r"\?t=", link.get_attribute("href") or "")  # a signed, short-lived link
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "现场照片.txt"
    with open(download.path(), "rb") as fh:
        assert fh.read() == b"photo-bytes!"
    # the bare URL, without the link's token, is refused
    href = link.get_attribute("href") or ""
    assert page.request.get(live_server.url + href.split("?", 1)[0]).status == 403
    page.context.clear_cookies()  # another person, another browser session

    _login(page, live_server.url, "auditor")
    page.goto(live_server.url + "/accounts/audit/access/")
    rows = page.locator("tr.access-row")
    texts = rows.all_inner_texts()
    viewed = [t for t in texts if "查看信访事项" in t]
    downloaded = [t for t in texts if "下载附件" in t]
    assert len(viewed) == 1 and "登记员小李" in viewed[0] and p.number in viewed[0]
    assert len(downloaded) == 1 and "登记员小李" in downloaded[0] and "现场照片.txt" in downloaded[0]

    page.select_option("#id_kind", "attachment")
    page.click("form.filters button[type=submit]")
    # the click returns once the filtered page's navigation has begun, not when it has loaded: wait for it
    page.wait_for_url(re.compile(r".*[?&]kind=attachment.*"))
    expect(page.locator("tr.access-row")).to_have_count(1)
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    with open(info.value.path(), encoding="utf-8-sig") as fh:
        content = fh.read()
    assert "下载附件" in content and "登记员小李" in content and "查看信访事项" not in content
