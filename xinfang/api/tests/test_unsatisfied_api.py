"""The REST actions of a 不满意 decision call the same services as the pages."""

from __future__ import annotations

import pytest

from xinfang.petitions import services
from xinfang.petitions.models import Event
from xinfang.petitions.tests.factories import advance, register
from xinfang.petitions.workflow import Status

pytestmark = pytest.mark.django_db


def _unsatisfied(personas):
    p = advance(register(personas.clerk).petition, "replied", personas=personas)
    services.petition_rate(petition_id=p.pk, rating="unsatisfied")
    p.refresh_from_db()
    return p


def test_rehandle_and_close_unsatisfied_over_the_api(tokens, personas):
    client = tokens.client("dispatcher")
    p = _unsatisfied(personas)
    r = client.post(f"/api/v1/petitions/{p.number}/rehandle/", {"reason": "再次核实"}, format="json")
    assert r.status_code == 200, r.content
    p.refresh_from_db()
    assert p.status == Status.ACCEPTED
    q = _unsatisfied(personas)
    r = client.post(f"/api/v1/petitions/{q.number}/close-unsatisfied/", {"note": ""}, format="json")
    assert r.status_code == 400 and "请写明回访情况和办结理由" in r.content.decode()
    q.refresh_from_db()
    assert q.status == Status.REVISIT
    r = client.post(f"/api/v1/petitions/{q.number}/close-unsatisfied/", {"note": "回访解释"}, format="json")
    assert r.status_code == 200, r.content
    q.refresh_from_db()
    assert q.status == Status.CLOSED and Event.objects.filter(petition=q, action="close_unsatisfied").exists()


def test_the_handler_may_not_rehandle_over_the_api(tokens, personas):
    p = _unsatisfied(personas)
    r = tokens.client("handler").post(f"/api/v1/petitions/{p.number}/rehandle/", {"reason": "x"}, format="json")
    assert r.status_code in (403, 404)
    p.refresh_from_db()
    assert p.status == Status.REVISIT
