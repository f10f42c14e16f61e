"""Registering a case is a short, fixed conversation with the database, whatever the database holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.core.audit_check import audit_verify
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db


def _post(client, body):
    return client.post("/api/v1/petitions/", body, format="json")


def test_registration_over_rest_is_a_fixed_number_of_queries(tokens, register_body) -> None:
    client = tokens.client("clerk")
    assert _post(client, register_body).status_code == 201  # warm: token touch, configuration load
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            response = _post(client, register_body)
        assert response.status_code == 201
        counts.append(len(ctx.captured_queries))
    # The reference tokens (areas, categories, posts, credentials, rules and templates from memory); the
    # service's transaction (a savepoint within the test's); number; case; event; deadline; audit head lock +
    # row + head (on PostgreSQL: the event, the deadline and the head's lock in one statement, the audit row
    # and the head's move in another: petitions.intake_write); (the office's dispatchers with their channels
    # from memory, behind the "access" token); the messages of both notices (the petitioner's SMS, each
    # dispatcher's inbox row) in one INSERT, without a savepoint (their keys name the new event:
    # notifications.services.notify_events, new_keys); release.
    assert counts[0] == counts[1] == counts[2]
    bound = 8 if connection.vendor == "postgresql" else 11
    assert counts[0] <= bound, "\n".join(q["sql"][:80] for q in ctx.captured_queries)
    body = response.json()
    assert body["number"].endswith("-000004")
    due_date = Petition.objects.get(number=body["number"]).due_date
    assert due_date is not None
    assert body["deadlines"][0]["due_date"] == due_date.isoformat()
    assert audit_verify()[0]


def test_registration_answer_equals_what_a_read_returns(tokens, register_body) -> None:
    """The POST answer is built from what the service wrote; it must be exactly the case as stored."""
    client = tokens.client("clerk")
    posted = _post(client, register_body).json()
    read = client.get(f"/api/v1/petitions/{posted['number']}/").json()
    assert posted.pop("query_code")
    assert posted == read
