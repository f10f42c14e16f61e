"""In real headless Chromium: the citizen submits online → the officer registers and dispatches →
the unit accepts and replies → the head approves → the citizen looks the case up and rates it."""

from __future__ import annotations

import re

import pytest

from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-word-123"


def staff_page(browser, live_server, username: str):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/.*"))
    return page


def act(
    page,
    key: str,
    fill: dict[str, str] | None = None,
    select: dict[str, str] | None = None,
    check: list[str] | None = None,
) -> None:
    """Open an action panel on the case page, fill it in and submit it."""
    panel = page.locator(f"#action-{key}")
    panel.locator("summary").click()
    for selector, value in (select or {}).items():
        panel.locator(selector).select_option(value)
    for selector in check or []:
        panel.locator(selector).check()
    for selector, value in (fill or {}).items():
        panel.locator(selector).fill(value)
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已完成" in page.locator(".messages").inner_text()


def test_online_petition_through_to_rating(live_server, browser, page, personas):
    # The citizen submits online.
    page.goto(live_server.url + "/portal/submit/")
    form = page.locator("#submit-form")
    form.locator("#id_name").fill("王秀英")
    form.locator("#id_phone").fill("13812345678")
    form.locator("#id_area").select_option("411621100")
    form.locator("#id_title").fill("建设街窨井盖破损")
    form.locator("#id_content").fill("建设街与棉麻一场交叉口的窨井盖破损，夜里很危险，请尽快修复。")
    form.locator("button[type=submit]").click()
    number = page.locator("#petition-number").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    assert re.fullmatch(r"411621-\d{4}-\d{6}", number) and len(code.replace("-", "")) == 16
    petition = Petition.objects.get(number=number)
    assert petition.status == Status.SUBMITTED

    # The officer registers it and transfers it to the 市政所.
    officer = staff_page(browser, live_server, "dispatcher")
    officer.goto(f"{live_server.url}/staff/petitions/{petition.pk}/")
    act(officer, "register")
    act(
        officer,
        "dispatch",
        select={"#id_dispatch-unit": str(personas.org.municipal.pk)},
        fill={"#id_dispatch-note": "请市政所核实处理"},
    )
    assert "待受理" in officer.locator("h1").inner_text()

    # The unit accepts and replies.
    handler = staff_page(browser, live_server, "handler")
    handler.goto(f"{live_server.url}/staff/?inbox=to_accept")
    handler.click(f"text={number}")
    act(handler, "accept", fill={"#id_accept-note": "已受理"})
    act(
        handler,
        "submit_reply",
        check=["#id_submit_reply-outcome_0"],
        fill={
            "#id_submit_reply-facts": "经现场核实，窨井盖破损属实。",
            "#id_submit_reply-reasons": "破损井盖影响行人安全。",
            "#id_submit_reply-basis": "《城市道路管理条例》第二十三条",
            "#id_submit_reply-opinion": "市政所已于当日更换新井盖。",
        },
    )

    # The head approves; the reply goes out.
    head = staff_page(browser, live_server, "head")
    head.goto(f"{live_server.url}/staff/?inbox=to_approve")
    head.click(f"text={number}")
    act(head, "decide_reply")
    assert "已答复待评价" in head.locator("h1").inner_text()

    # The citizen looks it up with the 查询码 and rates it.
    page.goto(live_server.url + "/portal/lookup/")
    page.fill("#lookup-form input[name=number]", number)
    page.fill("#lookup-form input[name=code]", code)
    page.click("#lookup-form button[type=submit]")
    steps = page.locator("#public-steps").inner_text()
    assert "受理告知" in steps and "已于当日更换新井盖" in steps
    assert "请市政所核实处理" not in page.content()  # internal notes never reach the portal
    page.locator("#rate-form input[value=satisfied]").check()
    page.fill("#rate-form textarea[name=comment]", "修得很及时，谢谢")
    page.click("#rate-form button[type=submit]")
    page.wait_for_load_state()
    petition.refresh_from_db()
    assert petition.status == Status.CLOSED and petition.rating == "satisfied"
    assert "满意" in page.locator("#public-steps").inner_text()
