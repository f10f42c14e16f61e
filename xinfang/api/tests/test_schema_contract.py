"""The OpenAPI schema, the local docs, and a schemathesis contract run against the WSGI app:
no 5xx, and every response (errors included) matches the schema."""

from __future__ import annotations

import json
import time

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Err, Ok
from schemathesis.generation import GenerationMode

from xinfang.petitions.tests.factories import advance, register

EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def test_schema_is_served_and_lists_every_endpoint(client):
    r = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    schema = json.loads(r.content)
    paths = schema["paths"]
    for action in [
        "dispatch",
        "accept",
        "object",
        "reject",
        "notes",
        "extension",
        "extension/decision",
        "reply",
        "reply/decision",
        "rate",
        "close",
        "review",
        "review/decision",
        "recheck",
        "recheck/decision",
    ]:
        assert f"/api/v1/petitions/{{number}}/{action}/" in paths, action
    for ref in ["areas", "units", "categories", "routing-rules", "time-limit-rules"]:
        assert f"/api/v1/{ref}/" in paths
    register_op = paths["/api/v1/petitions/"]["post"]
    assert {"201", "400", "401", "403", "409", "422", "429"} <= set(register_op["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in register_op["parameters"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_docs_use_local_assets_only(client):
    r = client.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "https://" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "https://" not in script.content.decode()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    redoc = client.get("/api/redoc/").content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/" in redoc and "https://" not in redoc


@pytest.fixture
def contract_setup(tokens, personas):
    """A token that can act, and a real case, so generated calls reach the success paths too."""
    # Django's per-request connection cleanup would close the test transaction's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    yield {"raw": tokens.issue("dispatcher"), "number": p.number}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_conforms_to_its_schema(contract_setup):
    """Every operation, positive and negative data, a bounded number of examples each. The schema is
    fetched through the WSGI app, and every call goes through it too (no server, no network)."""
    from hypothesis import given

    from config.wsgi import application

    api = schemathesis.openapi.from_wsgi("/api/schema/", application)
    headers = {"Authorization": f"Token {contract_setup['raw']}"}
    calls: dict[str, int] = {}
    started = time.monotonic()
    results = list(api.get_all_operations())
    assert all(isinstance(r, Ok) for r in results), [r.err() for r in results if isinstance(r, Err)]
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) >= 23
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                params = case.path_parameters or {}
                if "number" in params and len(str(params["number"])) % 2 == 0:
                    params["number"] = contract_setup["number"]  # half the calls hit a real case
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                key = f"{case.method} {response.status_code}"
                calls[key] = calls.get(key, 0) + 1

            try:
                run()
            except Unsatisfiable:
                # Negative data cannot always be made (e.g. no constrained input at all): nothing to test.
                assert mode == GenerationMode.NEGATIVE
                calls["unsatisfiable negative"] = calls.get("unsatisfiable negative", 0) + 1
    elapsed = time.monotonic() - started
    total = sum(calls.values())
    print(
        f"schemathesis: {len(operations)} operations, {total} calls in {elapsed:.1f}s: "
        + ", ".join(f"{k}×{v}" for k, v in sorted(calls.items()))
    )
    assert not any(key.split()[-1].startswith("5") for key in calls)
    assert any(key.split()[-1].startswith("2") for key in calls)  # it reached the success paths too
