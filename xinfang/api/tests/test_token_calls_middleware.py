"""API calls with a token pass the session, login, second-factor and messages middleware by; nothing else
changes: their answers keep the security headers, and pages and session calls behave as before."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

URL = "/api/v1/petitions/"


def _security_headers(r) -> None:
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Frame-Options"] == "DENY"
    assert "default-src" in r["Content-Security-Policy"]


def test_a_token_call_gets_its_answer_without_cookies_and_with_the_security_headers(tokens, register_body):
    client = tokens.client("clerk")
    r = client.post(URL, register_body, format="json")
    assert r.status_code == 201, r.content
    assert "sessionid" not in r.cookies and "csrftoken" not in r.cookies
    _security_headers(r)
    listed = client.get(URL)
    assert listed.status_code == 200
    assert listed.json()["results"][0]["number"] == r.json()["number"]
    _security_headers(listed)


def test_a_bad_token_is_refused_in_chinese(db):
    r = APIClient().get(URL, HTTP_AUTHORIZATION="Token not-a-real-token")
    assert r.status_code == 401
    assert "令牌" in r.json()["message"]


@pytest.mark.django_db
def test_a_session_call_still_needs_its_csrf_token(personas, register_body):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(personas.clerk)
    assert client.get(URL).status_code == 200  # the session user, through the session middleware
    r = client.post(URL, register_body, format="json")
    assert r.status_code == 403
    assert "CSRF" in r.json()["message"]


@pytest.mark.django_db
def test_a_token_header_on_a_page_changes_nothing(client):
    r = client.get("/accounts/login/", HTTP_AUTHORIZATION="Token whatever")
    assert r.status_code == 200
    assert "csrftoken" in r.cookies  # the login form's CSRF cookie, as without the header
    _security_headers(r)
