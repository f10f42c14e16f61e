"""pytest plugin: real headless Chromium through Playwright's sync API.

Fixtures
  ``browser``  session-scoped (one Chromium per xdist worker), Debian's ``/usr/bin/chromium``.
  ``page``     a fresh context + page per test: 1280x900, zh-CN, Asia/Shanghai. When the test
               fails, a full-page screenshot and the page HTML go to ``var/test-artifacts/``.

Use together with pytest-django's ``live_server`` and transactional database access::

    @pytest.mark.browser
    @pytest.mark.django_db(transaction=True)
    def test_home(live_server, page):
        page.goto(live_server.url + "/")

Playwright never downloads a browser here. If Chromium is missing the browser tests are skipped
with a reason -- except under CI (``CI=true``), where a missing browser is a failure.
Environment: ``XINFANG_CHROMIUM`` (executable, default ``/usr/bin/chromium``),
``XINFANG_TEST_ARTIFACTS`` (artifact folder, default ``<rootdir>/var/test-artifacts``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

# Never fetch a browser; we drive the distribution's Chromium.
os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
# Playwright's sync API runs an asyncio loop in the test thread, which trips Django's
# async-unsafe guard on every ORM call made from a test once the browser has started.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Bind live_server to IPv4 loopback explicitly (Chromium may try ::1 first for "localhost").
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]
VIEWPORT = {"width": 1280, "height": 900}
LOCALE = "zh-CN"
TIMEZONE = "Asia/Shanghai"
DEFAULT_TIMEOUT_MS = 15_000


def chromium_path() -> str:
    return os.environ.get("XINFANG_CHROMIUM", "/usr/bin/chromium")


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _unavailable(reason: str) -> None:
    if running_in_ci():
        pytest.fail(f"{reason} -- required under CI=true (install it: apt-get install -y chromium)", pytrace=False)
    pytest.skip(f"{reason} (browser tests skipped outside CI)")


def artifacts_dir(config: pytest.Config) -> Path:
    override = os.environ.get("XINFANG_TEST_ARTIFACTS")
    return Path(override) if override else Path(config.rootpath) / "var" / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    # Capture the page at the moment of failure, while the `page` fixture is still alive, and
    # list the files in the failure report (a "browser artifacts" section).
    if report.when == "call" and report.failed:
        pg = getattr(item, "funcargs", {}).get("page")
        if pg is not None:
            report.sections.append(("browser artifacts", _save_artifacts(pg, item)))
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        _unavailable(f"Chromium not found at {executable}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed")

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"could not launch {executable}: {exc}", pytrace=False)
    try:
        yield chromium
    finally:
        try:
            chromium.close()
        finally:
            playwright.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT, locale=LOCALE, timezone_id=TIMEZONE)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _save_artifacts(pg: Any, item: pytest.Item) -> str:
    """Save a full-page screenshot and the HTML of `pg`; return a description for the report."""
    folder = artifacts_dir(item.config)
    stem = re.sub(r"[^\w.-]+", "_", item.nodeid).strip("_")[:180]
    lines = [f"page URL: {getattr(pg, 'url', '?')}"]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / f"{stem}.png"
        pg.screenshot(path=str(shot), full_page=True, timeout=10_000)
        lines.append(f"screenshot: {shot}")
        html = folder / f"{stem}.html"
        html.write_text(pg.content(), encoding="utf-8")
        lines.append(f"html: {html}")
    except Exception as exc:  # the page may be gone; never mask the real failure
        lines.append(f"could not save artifacts: {exc!r}")
    return "\n".join(lines)
