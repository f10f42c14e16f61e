"""Smoke test of the browser-test infrastructure: live_server + Playwright + Debian Chromium."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_platform_heading(live_server, page):
    response = page.goto(live_server.url + "/")

    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text("信访综合业务平台")
    assert "信访综合业务平台" in page.title()
    # The page is really rendered by Chromium with the context's locale and time zone.
    assert page.evaluate("navigator.language") == "zh-CN"
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Asia/Shanghai"
    assert page.viewport_size == {"width": 1280, "height": 900}
