"""Idempotency under concurrency: 10 threads retry one registration with the same key at once."""

from __future__ import annotations

import importlib
import threading
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.db import connections
from rest_framework.test import APIClient

from xinfang.api.models import IdempotencyRecord
from xinfang.petitions.models import Event, Petition

URL = "/api/v1/petitions/"
SEEDS = [
    ("xinfang.petitions.migrations.0002_seed_categories", "seed", "routing.Category"),
    ("xinfang.deadlines.migrations.0002_default_rules", "forwards", "deadlines.TimeLimitRule"),
]


class _AsMigrated:
    """The live registry under the labels the seed migrations were written with (categories moved to routing)."""

    def get_model(self, app_label: str, model_name: str) -> Any:
        if (app_label, model_name) == ("petitions", "Category"):
            app_label = "routing"
        return apps.get_model(app_label, model_name)


@pytest.fixture(scope="module", autouse=True)
def _restore_seed_data_after_the_flush(django_db_blocker):
    """A transactional test ends with a flush that also empties the shipped seed data (categories,
    national time limits). Module teardown runs after that flush: put the seed data back so the
    tests that run next in this worker find the database as migrated."""
    yield
    with django_db_blocker.unblock():
        for module_name, func_name, model_label in SEEDS:
            if not apps.get_model(model_label).objects.exists():
                getattr(importlib.import_module(module_name), func_name)(_AsMigrated(), None)


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_retries_register_exactly_one_petition(personas, register_body):
    from xinfang.api import services as api_services
    from xinfang.api.tests.conftest import TOKEN_SPECS

    unit_attr, roles = TOKEN_SPECS["clerk"]
    raw = api_services.api_token_create(name="race", unit=getattr(personas.org, unit_attr), roles=roles).raw
    key = str(uuid.uuid4())
    n = 10
    barrier = threading.Barrier(n)
    results: list[tuple[int, dict[str, Any]]] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
            barrier.wait()
            r = client.post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            results.append((r.status_code, r.json()))
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(results) == n
    assert Petition.objects.count() == 1
    assert Event.objects.filter(action="register").count() == 1
    assert {status for status, _ in results} == {201}
    assert len({body["number"] for _, body in results}) == 1
    assert IdempotencyRecord.objects.count() == 1
