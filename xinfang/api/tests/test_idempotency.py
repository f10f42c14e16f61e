"""Idempotency-Key: a retried POST returns the first response and creates nothing new."""

from __future__ import annotations

import uuid

from xinfang.api.models import IdempotencyRecord
from xinfang.petitions.models import Event, Petition
from xinfang.petitions.tests.factories import advance, register

URL = "/api/v1/petitions/"


def test_retry_with_same_key_replays_the_first_response(tokens, register_body):
    client = tokens.client("clerk")
    key = str(uuid.uuid4())
    first = client.post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    second = client.post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert second.status_code == 201
    assert second.json() == first.json()  # the same number and the same one-time 查询码
    assert second["Idempotent-Replayed"] == "true"
    assert Petition.objects.count() == 1
    # A new key is a new registration.
    third = client.post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert third.json()["number"] != first.json()["number"]
    assert Petition.objects.count() == 2


def test_same_key_with_a_different_body_is_422(tokens, register_body):
    client = tokens.client("clerk")
    key = "retry-1"
    assert client.post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    register_body["title"] = "另一件事"
    r = client.post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused" and "Idempotency-Key" in r.json()["message"]
    assert Petition.objects.count() == 1


def test_keys_are_scoped_per_token(tokens, register_body):
    key = "shared-key"
    a = tokens.client("clerk").post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    b = tokens.client("dispatcher").post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert a.status_code == b.status_code == 201
    assert a.json()["number"] != b.json()["number"]


def test_errors_are_replayed_too_and_act_once(tokens, personas):
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    client = tokens.client("handler")
    first = client.post(f"{URL}{p.number}/accept/", {}, format="json", HTTP_IDEMPOTENCY_KEY="acc")
    assert first.status_code == 200
    again = client.post(f"{URL}{p.number}/accept/", {}, format="json", HTTP_IDEMPOTENCY_KEY="acc")
    assert again.status_code == 200 and again.json() == first.json()
    assert Event.objects.filter(petition=p, action="accept").count() == 1
    # Without the key a second click is refused by the workflow (409), and that answer is kept too.
    conflict = client.post(f"{URL}{p.number}/accept/", {}, format="json", HTTP_IDEMPOTENCY_KEY="acc-2")
    assert conflict.status_code == 409
    assert (
        client.post(f"{URL}{p.number}/accept/", {}, format="json", HTTP_IDEMPOTENCY_KEY="acc-2").json()
        == conflict.json()
    )


def test_key_too_long_is_400(tokens, register_body):
    r = tokens.client("clerk").post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 300)
    assert r.status_code == 400 and "Idempotency-Key" in r.json()["message"]


def test_unfinished_claim_answers_409_in_progress(tokens, register_body, settings):
    from django.utils import timezone

    settings.XINFANG_IDEMPOTENCY_WAIT_S = 0.2
    tokens.issue("clerk")
    IdempotencyRecord.objects.create(
        scope=f"token:{tokens.tokens['clerk'].pk}",
        key="busy",
        locked_at=timezone.now(),
        fingerprint=_fingerprint(register_body),
        method="POST",
        path=URL,
    )
    r = tokens.client("clerk").post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    assert r.status_code == 409
    assert r.json()["code"] == "request_in_progress" and r.json()["message"].startswith("请求正在处理")
    assert not Petition.objects.exists()


def test_a_server_error_releases_the_key(tokens, register_body, monkeypatch):
    from xinfang.petitions import services

    real = services.petition_register
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "petition_register", flaky)
    client = tokens.client("clerk")
    client.raise_request_exception = False
    assert client.post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 500
    assert not IdempotencyRecord.objects.exists()
    assert client.post(URL, register_body, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    assert Petition.objects.count() == 1


def _fingerprint(body):
    """The fingerprint a POST of `body` to the register URL gets (for the pre-made claim above)."""
    import hashlib
    import json

    from rest_framework.utils.encoders import JSONEncoder

    text = json.dumps(body, sort_keys=True, ensure_ascii=False, cls=JSONEncoder, default=str)
    return hashlib.sha256(f"POST\n{URL}\n{text}".encode()).hexdigest()
