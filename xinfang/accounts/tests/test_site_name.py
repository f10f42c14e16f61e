"""The system's name, not the request's host, in the pages a person sees (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, html[:500]
    return match.group(1).strip()


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, html[:500]
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_login_page_shows_the_system_name_not_the_host(client):
    r = client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000")
    html = r.content.decode()
    assert r.status_code == 200
    assert _title(html) == "工作人员登录 · 信访综合业务平台"
    assert _h1(html) == "信访综合业务平台"
    assert "127.0.0.1" not in html


@override_settings(XINFANG_SITE_NAME="扶沟县信访局信访业务系统")
def test_login_page_shows_the_configured_office_name(client):
    html = client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8443").content.decode()
    assert _title(html) == "工作人员登录 · 扶沟县信访局信访业务系统"
    assert _h1(html) == "扶沟县信访局信访业务系统"
    assert "127.0.0.1" not in html


def test_password_and_otp_pages_carry_the_system_name(client, personas):
    client.force_login(personas.clerk)
    for url, title in (("/accounts/password/", "修改密码"), ("/accounts/otp/", "动态验证码")):
        html = client.get(url, HTTP_HOST="127.0.0.1:8000").content.decode()
        assert _title(html) == f"{title} · 信访综合业务平台", url
        assert "127.0.0.1" not in html


def test_admin_login_and_index_carry_the_system_name(client, personas):
    html = client.get("/admin/login/", HTTP_HOST="127.0.0.1:8000").content.decode()
    assert "信访综合业务平台 · 系统管理" in _title(html)
    assert "127.0.0.1" not in html
    personas.no_role.is_staff = personas.no_role.is_superuser = True
    personas.no_role.save()
    client.force_login(personas.no_role)
    html = client.get("/admin/", HTTP_HOST="127.0.0.1:8000").content.decode()
    assert "信访综合业务平台 · 系统管理" in _title(html)
    assert "信访综合业务平台 · 系统管理" in html.split("</h1>")[0]


def test_authenticator_app_is_given_the_system_name(client, personas):
    from urllib.parse import parse_qs, unquote, urlsplit

    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(personas.handler)
    assert client.get("/accounts/otp/").status_code == 200
    url = urlsplit(TOTPDevice.objects.get(user=personas.handler).config_url)
    assert parse_qs(url.query)["issuer"] == ["信访综合业务平台"]
    assert unquote(url.path) == "/信访综合业务平台:handler"
