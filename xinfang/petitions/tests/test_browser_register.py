"""In real headless Chromium: a clerk registers a visit by 6 people; the case is a 集体访."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from xinfang.petitions.models import Petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_registers_group_visit(live_server, page, personas):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "pass-word-123")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/.*"))
    page.click("text=登记信访事项")
    form = page.locator("#register-form")
    form.locator("#id_channel").select_option("visit")
    form.locator("#id_name").fill("赵建国")
    form.locator("#id_id_number").fill("11010519491231002X")
    form.locator("#id_phone").fill("13912345678")
    form.locator("#id_headcount").fill("6")
    form.locator("#id_area").select_option("411621")
    form.locator("#id_title").fill("拖欠农民工工资")
    form.locator("#id_content").fill("某工地拖欠六名工人工资共计八万元，多次讨要无果。")
    form.locator("summary", has_text="代表").click()
    form.locator("#id_rep1_name").fill("赵建国")
    form.locator("#id_rep2_name").fill("钱大军")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/registered/"))
    assert page.locator("#query-code").is_visible()
    assert "集体访" in page.content()
    petition = Petition.objects.get()
    assert petition.is_group and petition.headcount == 6 and petition.representatives.count() == 2
    page.click("text=查看事项")
    expect(page.locator("h1")).to_contain_text("集体访")  # retried: the click does not wait for the case page


def test_wrong_id_shows_message_in_browser(live_server, page, personas):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "pass-word-123")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/.*"))
    page.goto(live_server.url + "/staff/petitions/register/")
    page.locator("#id_id_number").fill("110105194912310021")
    page.locator("#id_content").fill("反映问题")
    page.locator("#register-form button[type=submit]").click()
    # the form is on the page before and after the submit: retried until the answered one shows
    expect(page.locator("#register-form")).to_contain_text("校验位不正确")
    assert Petition.objects.count() == 0


def test_skip_level_destination_shows_when_ticked(live_server, page, personas):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "pass-word-123")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/.*"))
    page.goto(live_server.url + "/staff/petitions/register/")
    assert not page.locator("#id_skip_level_to").is_visible()
    page.locator("#id_is_skip_level").check()
    assert page.locator("#id_skip_level_to").is_visible()
    page.locator("#id_skip_level_to").select_option("beijing")
    page.locator("#id_content").fill("反映征地补偿问题，已到国家信访局走访。")
    page.locator("#register-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/registered/"))
    petition = Petition.objects.get()
    assert petition.is_skip_level and petition.skip_level_to == "beijing"
