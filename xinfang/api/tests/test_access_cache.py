"""Credentials and posts come from each worker's memory (behind the "access" token), and every change to
them counts from the next request: a revoked token, a deactivated user, a removed post, a disabled unit."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from xinfang.accounts.models import Membership, Role, Unit, User
from xinfang.api.models import ApiToken

URL = "/api/v1/petitions/"


def test_a_known_token_and_its_posts_cost_no_query(tokens, register_body):
    client = tokens.client("clerk")
    assert client.post(URL, register_body, format="json").status_code == 201
    with CaptureQueriesContext(connection) as q:
        r = client.post(URL, {**register_body, "title": "第二件"}, format="json")
    assert r.status_code == 201
    assert not [s for s in q.captured_queries if s["sql"].startswith("SELECT") and "api_apitoken" in s["sql"]]
    assert not [s for s in q.captured_queries if "accounts_membership" in s["sql"]]


def test_a_user_deactivated_by_a_bulk_update_is_refused_at_once(tokens):
    client = tokens.client("clerk")
    assert client.get(URL).status_code == 200
    User.objects.filter(pk=tokens.user("clerk").pk).update(is_active=False)
    assert client.get(URL).status_code == 401


def test_a_deleted_token_is_refused_at_once(tokens):
    client = tokens.client("clerk")
    assert client.get(URL).status_code == 200
    ApiToken.objects.filter(pk=tokens.tokens["clerk"].pk).delete()
    assert client.get(URL).status_code == 401


def test_a_removed_post_counts_from_the_next_request(tokens, register_body):
    client = tokens.client("clerk")
    assert client.post(URL, register_body, format="json").status_code == 201
    Membership.objects.filter(user=tokens.user("clerk")).delete()
    r = client.post(URL, register_body, format="json")
    assert r.status_code == 403
    assert "登记员" in r.json()["message"]


def test_a_disabled_unit_counts_from_the_next_request(tokens, register_body, personas):
    client = tokens.client("clerk")
    assert client.post(URL, register_body, format="json").status_code == 201
    Unit.objects.filter(pk=personas.org.county_office.pk).update(active=False)  # a bulk write: no signal
    assert client.post(URL, register_body, format="json").status_code == 403


def test_a_new_post_counts_from_the_next_request(register_body, personas):
    user = personas.no_role
    client = APIClient()
    client.force_login(user)
    assert client.post(URL, register_body, format="json").status_code == 403
    Membership.objects.create(user=user, unit=personas.org.county_office, role=Role.CLERK)
    assert client.post(URL, register_body, format="json").status_code == 201


def test_each_request_gets_its_own_copies(tokens):
    from xinfang.api.services import credential_lookup

    raw = tokens.issue("clerk")
    first = credential_lookup(ApiToken, raw)
    assert first is not None
    first.user.full_name = "改过的名字"
    first.unit.name = "改过的单位"
    second = credential_lookup(ApiToken, raw)
    assert second is not None
    assert second.user.full_name != "改过的名字" and second.unit.name != "改过的单位"
    assert credential_lookup(ApiToken, raw + "x") is None


def test_a_token_revoked_by_a_bulk_update_is_refused_at_once(tokens):
    from django.utils import timezone

    client = tokens.client("clerk")
    assert client.get(URL).status_code == 200
    ApiToken.objects.filter(pk=tokens.tokens["clerk"].pk).update(revoked_at=timezone.now())
    assert client.get(URL).status_code == 401


def test_a_login_and_a_token_use_leave_the_caches_alone(tokens, personas):
    from django.contrib.auth.models import update_last_login

    from xinfang.core import versioned

    client = tokens.client("clerk")
    assert client.get(URL).status_code == 200  # records the token's last use
    before = versioned.token("access")
    update_last_login(type(personas.clerk), personas.clerk)  # what every login saves
    assert client.get(URL).status_code == 200
    assert versioned.token("access") == before
    personas.clerk.is_active = False
    personas.clerk.save(update_fields=["is_active"])
    assert versioned.token("access") != before
