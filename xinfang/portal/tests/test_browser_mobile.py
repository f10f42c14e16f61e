"""A phone 375 px wide: no page of the portal scrolls sideways, every input has its label, errors are
announced. Staff pages stay usable at 1024 px."""

from __future__ import annotations

import re

import pytest

from xinfang.petitions.models import Event
from xinfang.petitions.tests.factories import advance, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-word-123"

# Inputs a person fills in, and whether each has a label tied to it (label for=id, or wrapped in one).
UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.name !== 'csrfmiddlewaretoken')
  .filter(el => !(el.id && document.querySelector('label[for="' + el.id + '"]')) && !el.closest('label'))
  .map(el => el.name || el.id || el.outerHTML)"""
SCROLL_WIDTH = "() => document.scrollingElement.scrollWidth"


def mobile(browser):
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    return context.new_page()


def fits(page, width: int) -> None:
    assert page.evaluate(SCROLL_WIDTH) <= width, f"{page.url} scrolls sideways at {width}px"


def labelled(page) -> None:
    assert page.evaluate(UNLABELLED) == [], page.url


def test_portal_pages_fit_a_phone_and_tie_labels(live_server, browser, personas):
    reg = register(personas.clerk, content="很长的诉求" * 200 + "http://example.com/" + "a" * 300)
    p = advance(reg.petition, "replied", personas=personas)
    page = mobile(browser)
    base = live_server.url + "/portal/"

    page.goto(base)
    fits(page, 375)

    # Submit: the empty form, then the same form with three bad fields.
    page.goto(base + "submit/")
    fits(page, 375)
    labelled(page)
    page.fill("#id_name", "张三")
    page.fill("#id_phone", "12345678901")
    page.fill("#id_id_number", "110105194912310021")
    page.locator("#submit-form button[type=submit]").click()
    page.wait_for_load_state()
    fits(page, 375)
    labelled(page)
    assert "提交未成功" in page.locator("[role=alert]").first.inner_text()
    for field, message in (
        ("phone", "手机号码格式不正确"),
        ("id_number", "身份证号校验位不正确"),
        ("content", "请填写信访事项的主要诉求及事实理由"),
    ):
        box = page.locator(f"#id_{field}")
        assert box.get_attribute("aria-invalid") == "true"
        described = box.get_attribute("aria-describedby") or ""
        assert f"id_{field}_error" in described.split()
        assert message in page.locator(f"#id_{field}_error").inner_text()

    # Look up: a wrong code first, then the right one.
    page.goto(base + "lookup/")
    fits(page, 375)
    labelled(page)
    page.fill("#lookup-form input[name=number]", p.number)
    page.fill("#lookup-form input[name=code]", "AAAA-AAAA-AAAA-AAAA")
    page.click("#lookup-form button[type=submit]")
    page.wait_for_load_state()
    assert "编号或查询码不正确" in page.locator("[role=alert]").first.inner_text()
    fits(page, 375)
    page.fill("#lookup-form input[name=number]", p.number)
    page.fill("#lookup-form input[name=code]", reg.query_code)
    page.click("#lookup-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/case/.*"))

    # The case page with its long text, the rate and 复查 forms.
    fits(page, 375)
    labelled(page)
    assert page.locator("#rate-form").is_visible() and page.locator("#review-form").is_visible()
    assert "很长的诉求" in page.locator("#petition-content").inner_text()
    # Rating without a choice: the error is announced and the page still fits.
    page.click("#rate-form button[type=submit]")
    page.wait_for_load_state()
    fits(page, 375)
    assert "请选择满意、基本满意或不满意" in page.locator("[role=alert]").first.inner_text()
    page.click("#review-form button[type=submit]")
    page.wait_for_load_state()
    fits(page, 375)
    assert page.locator("#review_reason").get_attribute("aria-invalid") == "true"

    # The 处理意见书 opens from the case page, and fits too.
    page.click("#documents a")
    page.wait_for_load_state()
    fits(page, 375)
    reply = Event.objects.get(petition=p, action="approve_reply")
    assert reply.public_text.splitlines()[0][:10] in page.locator("article").inner_text()


def test_submit_on_a_phone_succeeds(live_server, browser, personas):
    page = mobile(browser)
    page.goto(live_server.url + "/portal/submit/")
    page.fill("#id_name", "王秀英")
    page.fill("#id_phone", "13812345678")
    page.select_option("#id_area", "411621100")
    page.fill("#id_content", "建设街与棉麻一场交叉口的窨井盖破损，夜里很危险，请尽快修复。")
    page.locator("#submit-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/portal/submit/done/"))
    fits(page, 375)
    assert page.locator("#query-code").is_visible()


def test_staff_pages_fit_1024(live_server, browser, personas):
    p = advance(register(personas.clerk, title="很长的标题" * 30).petition, "accepted", personas=personas)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "dispatcher")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/.*"))
    for path in ("/staff/", "/staff/petitions/", "/staff/petitions/register/", f"/staff/petitions/{p.pk}/"):
        page.goto(live_server.url + path)
        fits(page, 1024)
    # The register form with errors in it still fits.
    page.goto(live_server.url + "/staff/petitions/register/")
    page.fill("#id_headcount", "30")
    page.select_option("#id_channel", "visit")
    page.fill("#id_content", "三十位村民反映征地补偿款未发放。" + "很长的诉求" * 100)
    page.click("#register-form button[type=submit]")
    page.wait_for_load_state()
    fits(page, 1024)
    assert "请至少登记一名代表" in page.content()
