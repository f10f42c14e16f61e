"""In real headless Chromium: the dispatcher narrows the unit list by typing, then dispatches."""

from __future__ import annotations

import re

import pytest

from xinfang.petitions.tests.factories import register
from xinfang.petitions.workflow import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dispatcher_filters_the_units_and_dispatches(live_server, page, personas):
    p = register(personas.clerk).petition
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "dispatcher")
    page.fill("#id_password", "pass-word-123")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/.*"))
    page.goto(f"{live_server.url}/staff/petitions/{p.pk}/")
    page.locator("#action-dispatch summary").click()
    box = page.locator("input.unit-filter")
    assert box.is_visible()  # the script shows it; without JavaScript it stays hidden
    box.fill("住建")
    visible = page.locator("#id_dispatch-unit option:not([hidden])").all_inner_texts()
    assert "扶沟县住建局" in visible and "扶沟县市政所" not in visible
    hidden_groups = page.locator("#id_dispatch-unit optgroup[hidden]").count()
    assert hidden_groups >= 1
    page.locator("#id_dispatch-unit").select_option(label="扶沟县住建局")
    page.locator("#action-dispatch button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/staff/petitions/{p.pk}/$"))
    p.refresh_from_db()
    assert p.status == Status.DISPATCHED and p.current_unit == personas.org.housing
