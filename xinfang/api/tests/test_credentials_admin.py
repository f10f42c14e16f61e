"""Issuing and revoking API tokens: the command line and the admin pages (hash read-only, shown once)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from xinfang.accounts.models import Membership, User
from xinfang.api.models import ApiToken, Open311Key
from xinfang.api.services import digest
from xinfang.core.models import AuditEvent


def test_api_token_command_create_list_revoke(org, capsys):
    call_command("api_token", "create", "--unit", "FG-XFJ", "--roles", "clerk,dispatcher", "--name", "12345热线")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get(name="12345热线")
    assert raw.startswith("xft_") and token.digest == digest(raw) and raw not in token.digest
    assert sorted(Membership.objects.filter(user=token.user).values_list("role", flat=True)) == ["clerk", "dispatcher"]
    assert token.user.get_full_name() == "接口：12345热线"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get("/api/v1/petitions/").status_code == 200
    call_command("api_token", "list")
    listing = capsys.readouterr().out
    assert "12345热线\tFG-XFJ\tclerk,dispatcher" in listing and raw not in listing
    call_command("api_token", "revoke", "12345热线")
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.user.is_active
    assert client.get("/api/v1/petitions/").status_code == 401
    assert AuditEvent.objects.filter(action="api.api.revoke").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE", "--roles", "clerk", "--name", "x"], "未知的单位编码"),
        (["--unit", "FG-XFJ", "--roles", "wizard", "--name", "x"], "未知的岗位"),
        (["--unit", "FG-XFJ", "--roles", "admin", "--name", "x"], "不能授予系统管理员"),
    ],
)
def test_api_token_command_refuses_bad_input(org, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("api_token", "create", *args)


def test_duplicate_name_and_unknown_revoke(org):
    call_command("api_token", "create", "--unit", "FG-XFJ", "--roles", "clerk", "--name", "dup")
    with pytest.raises(CommandError, match="已被使用"):
        call_command("api_token", "create", "--unit", "FG-XFJ", "--roles", "clerk", "--name", "dup")
    with pytest.raises(CommandError, match="没有名为"):
        call_command("api_token", "revoke", "nobody")


@pytest.fixture
def admin_client(client, org):
    admin = User.objects.create_superuser(username="root", password="pass-word-123", email="")
    client.force_login(admin)
    return client


def test_admin_issues_a_token_shown_once(admin_client, org):
    r = admin_client.post(
        "/admin/api/apitoken/add/",
        {"name": "省信访系统", "unit": org.county_office.pk, "roles": ["clerk", "dispatcher"]},
        follow=True,
    )
    assert r.status_code == 200
    token = ApiToken.objects.get(name="省信访系统")
    shown = [str(m) for m in r.context["messages"]]
    raw = shown[0].rsplit("：", 1)[1]
    assert token.digest == digest(raw)
    page = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.digest in page and raw not in page
    assert 'name="digest"' not in page  # read-only, never editable


def test_admin_revokes_selected_tokens(admin_client, org):
    call_command("api_token", "create", "--unit", "FG-XFJ", "--roles", "clerk", "--name", "old")
    token = ApiToken.objects.get(name="old")
    r = admin_client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert r.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_open311_key_only_for_xinfang_offices(admin_client, org):
    r = admin_client.post("/admin/api/open311key/add/", {"name": "fms", "unit": org.municipal.pk})
    assert r.status_code == 200 and not Open311Key.objects.filter(name="fms").exists()  # the form refuses it
    r = admin_client.post("/admin/api/open311key/add/", {"name": "fms", "unit": org.county_office.pk}, follow=True)
    assert any("o311_" in str(m) for m in r.context["messages"])
    assert Open311Key.objects.get(name="fms").unit == org.county_office
