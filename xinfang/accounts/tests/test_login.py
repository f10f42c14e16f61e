"""Accounts and the web: lockout, login audit, TOTP second factor, CSP, production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.core.models import AuditEvent
from xinfang.core.testing.nothing_written import writes_nothing

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def test_login_is_audited_with_ip(client, personas):
    r = client.post(LOGIN, {"username": "clerk", "password": "pass-word-123"}, REMOTE_ADDR="10.1.2.3")
    assert r.status_code == 302
    event = AuditEvent.objects.filter(action="auth.login").last()
    assert event is not None
    assert event.actor == personas.clerk and event.ip == "10.1.2.3"


def test_wrong_password_message_in_chinese_and_audited(client, personas):
    r = client.post(LOGIN, {"username": "clerk", "password": "nope"})
    assert r.status_code == 200 and "用户名或密码不正确" in r.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1


def test_brute_force_is_locked_out(client, personas):
    for _ in range(5):
        client.post(LOGIN, {"username": "clerk", "password": "wrong"})
    r = client.post(LOGIN, {"username": "clerk", "password": "pass-word-123"})
    assert r.status_code == 429
    assert "登录失败次数过多" in r.content.decode()
    # the right password while locked out logs nobody in and records no login
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_totp_required_once_enrolled(client, personas):
    device = TOTPDevice.objects.create(user=personas.clerk, name="phone", confirmed=True)
    r = client.post(LOGIN, {"username": "clerk", "password": "pass-word-123"})
    assert r.status_code == 200 and "6位动态验证码" in r.content.decode()
    r = client.post(LOGIN, {"username": "clerk", "password": "pass-word-123", "otp_token": "000000"})
    assert "动态验证码不正确" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the next try for a second (django-otp)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    r = client.post(LOGIN, {"username": "clerk", "password": "pass-word-123", "otp_token": code})
    assert r.status_code == 302


def test_totp_enrolment_page(client, personas):
    client.force_login(personas.handler)
    r = client.get(reverse("accounts:otp"))
    assert r.status_code == 200 and "data:image/svg+xml" in r.content.decode()
    device = TOTPDevice.objects.get(user=personas.handler)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    r = client.post(reverse("accounts:otp"), {"token": code})
    assert r.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_security_headers(client, personas):
    r = client.get("/")
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_csrf_enforced_on_staff_forms(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.clerk)
    with writes_nothing():
        r = client.post(reverse("petitions:register"), {"channel": "call", "content": "x"})
    assert r.status_code == 403


ROOT = Path(__file__).resolve().parents[3]


def _manage(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XINFANG_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.prod", **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_prod_refuses_to_start_without_secrets():
    r = _manage({}, "check")
    assert r.returncode != 0 and "DJANGO_SECRET_KEY" in r.stderr


def test_prod_check_deploy_passes(tmp_path):
    r = _manage(
        {
            "DJANGO_SECRET_KEY": "k" * 10 + "Zq8#2vLp!xR7@mN4$tW9^cY1&bH6*jD3(fG5)sK0_eA-uI+oP",
            "DJANGO_ALLOWED_HOSTS": "xf.example.gov.cn",
            "XINFANG_FIELD_KEY": "dGVzdC1rZXktZm9yLXhpbmZhbmctdGVzdHMtb25seSE=",
            "XINFANG_ANCHOR_KEY": "dGVzdC1hbmNob3Ita2V5LWZvci14aW5mYW5nLXRlc3Q=",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert r.returncode == 0, r.stdout + r.stderr
