"""The error pages a visitor sees in production (DEBUG=False): Chinese, with a way home — not Django's
English defaults."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

ENGLISH = ("Not Found", "Server Error", "Bad Request", "Forbidden", "CSRF verification failed")


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _page(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html: str = response.content.decode()
    assert '<html lang="zh-CN">' in html and 'href="/"' in html
    assert not any(word in html for word in ENGLISH), html
    return html


def test_an_unknown_page_is_a_chinese_404(client, db):
    html = _page(client.get("/no-such-page/"), 404)
    assert "页面不存在" in html and "信访综合业务平台" in html


def test_an_unknown_staff_case_is_a_chinese_404(client, personas):
    client.force_login(personas.clerk)
    html = _page(client.get("/staff/petitions/411621-2026-999999/"), 404)
    assert "页面不存在" in html
    assert "登记员小李" in html  # the signed-in header: the page is rendered with the request


def test_a_refused_action_is_a_chinese_403_with_the_reason(client, personas):
    client.force_login(personas.handler)
    html = _page(client.post(reverse("petitions:io"), {}), 403)
    assert "无权访问" in html and "只有信访部门的登记员或受理分办人员可以导入信访事项" in html


def test_a_form_without_its_csrf_token_is_a_chinese_403(db):
    html = _page(Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "a"}), 403)
    assert "刷新后重新提交" in html


def test_a_bad_host_header_is_a_chinese_400(client, db):
    html = _page(client.get("/", HTTP_HOST="evil.example.com"), 400)
    assert "请求有误" in html


@pytest.mark.urls("xinfang.core.tests.error_urls")
def test_a_failing_view_is_a_chinese_500_without_context_processors(db, django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):  # the page itself needs no database
        response = client.get("/test-boom/")
    html = _page(response, 500)
    assert "系统内部错误" in html and "/portal/" in html
