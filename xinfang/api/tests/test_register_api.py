"""POST /api/v1/petitions/: registration by a system token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinfang.core.audit_check import audit_verify
from xinfang.core.models import AuditEvent
from xinfang.petitions.models import Petition
from xinfang.petitions.services import petition_find_by_query_code

URL = "/api/v1/petitions/"


def test_register_returns_201_with_query_code(tokens, register_body):
    r = tokens.client("clerk").post(URL, register_body, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    p = Petition.objects.get(number=body["number"])
    assert body["status"] == "registered" and body["status_label"] == "待分办"
    assert p.due_date is not None
    assert body["due_date"] == p.due_date.isoformat()
    assert body["deadlines"][0]["code"] == "transfer"
    assert r["Location"].endswith(f"/api/v1/petitions/{p.number}/")
    # The 查询码 works on the portal lookup and is stored only as a digest.
    assert body["query_code"] and petition_find_by_query_code(number=p.number, code=body["query_code"]) == p
    assert body["query_code"].replace("-", "") not in p.query_code_hash
    # Masked in the answer; never in clear in the database.
    assert body["petitioner"]["id_number_masked"] == "1101**********002X"
    assert body["petitioner"]["phone_masked"] == "138****5678"
    row = Petition.objects.filter(pk=p.pk).values().get()
    flat = " ".join(str(v) for v in row.values())
    assert "11010519491231002X" not in flat and "13812345678" not in flat
    # The timeline and the audit log name the token's service user.
    assert body["timeline"][0]["actor_name"] == "接口：test-clerk"
    assert AuditEvent.objects.filter(action="petition.register", target_id=str(p.pk)).exists()
    assert audit_verify()[0]


def test_query_code_only_in_the_registration_response(tokens, register_body):
    client = tokens.client("clerk")
    number = client.post(URL, register_body, format="json").json()["number"]
    detail = client.get(f"{URL}{number}/").json()
    assert "query_code" not in detail
    listed = client.get(URL).json()["results"][0]
    assert "query_code" not in listed


def test_minimal_registration_needs_only_channel_and_content(tokens):
    r = tokens.client("clerk").post(URL, {"channel": "call", "content": "反映小区供暖不热"}, format="json")
    assert r.status_code == 201
    assert r.json()["title"] == "反映小区供暖不热"
    assert r.json()["area"]["code"] == "411621"


@pytest.mark.parametrize(
    ("bad_id", "message"),
    [
        ("110105194912310021", "身份证号校验位不正确，请核对是否抄错"),
        ("12345", "身份证号应为18位（最后一位可以是X），请核对"),
        ("110105199913310024", "身份证号中的出生日期不存在，请核对"),
    ],
)
def test_bad_id_number_is_400_in_chinese(tokens, register_body, bad_id, message):
    register_body["petitioner"]["id_number"] = bad_id
    r = tokens.client("clerk").post(URL, register_body, format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid"
    assert body["errors"]["petitioner"]["id_number"] == [message]
    assert body["message"] == message
    assert not Petition.objects.exists()


def test_bad_phone_is_400_in_chinese(tokens, register_body):
    register_body["petitioner"]["phone"] = "12345"
    r = tokens.client("clerk").post(URL, register_body, format="json")
    assert r.status_code == 400
    assert "电话号码格式不正确" in r.json()["errors"]["petitioner"]["phone"][0]


def test_missing_fields_are_listed_in_chinese(tokens):
    r = tokens.client("clerk").post(URL, {}, format="json")
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert errors["channel"] == ["该字段是必填项。"] and errors["content"] == ["该字段是必填项。"]


NOT_TEXT = "请填写文字（JSON 字符串），不能是数字、布尔值或其他类型"


def test_a_number_for_the_content_is_400_and_nothing_is_stored(tokens, register_body):
    register_body["content"] = 12345
    client = tokens.client("clerk")
    audited = AuditEvent.objects.count()
    r = client.post(URL, register_body, format="json")
    assert r.status_code == 400
    assert r.json()["errors"] == {"content": [NOT_TEXT]}
    assert not Petition.objects.exists() and AuditEvent.objects.count() == audited


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("title",), 2026),
        (("area_code",), 411621),
        (("accused_person",), True),
        (("petitioner", "name"), 3.5),
        (("petitioner", "phone"), 13812345678),
        (("representatives", "0", "name"), ["张三"]),
    ],
)
def test_every_text_field_takes_strings_only(tokens, register_body, path, value):
    register_body["representatives"] = [{"name": "李四"}]
    target = register_body
    for key in path[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[path[-1]] = value
    r = tokens.client("clerk").post(URL, register_body, format="json")
    assert r.status_code == 400
    errors = r.json()["errors"]
    for key in path:
        errors = errors[key]
    assert errors == [NOT_TEXT]
    assert not Petition.objects.exists()


def test_each_nested_input_gets_its_own_errors(tokens, register_body):
    register_body.update(representatives=[{"name": "李四"}, {"phone": "13800138000"}])
    register_body["petitioner"]["phone"] = "12"
    r = tokens.client("clerk").post(URL, register_body, format="json")
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert set(errors) == {"petitioner", "representatives"}
    assert "电话号码格式不正确" in errors["petitioner"]["phone"][0]
    assert errors["representatives"] == {"1": {"name": ["该字段是必填项。"]}}  # the first one is good


def test_invalid_choice_and_unknown_codes(tokens, register_body):
    register_body.update(channel="pigeon", area_code="999999", category_code="000")
    r = tokens.client("clerk").post(URL, register_body, format="json")
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert "不是合法选项" in errors["channel"][0]
    assert errors["area_code"] == ["未知的区划代码：999999"]
    assert errors["category_code"] == ["未知的内容分类代码：000"]


def test_service_rule_errors_keep_their_field(tokens, register_body):
    register_body["received_at"] = "2099-01-01T00:00:00+08:00"
    r = tokens.client("clerk").post(URL, register_body, format="json")
    assert r.status_code == 400
    assert r.json()["errors"] == {"received_at": ["收到时间不能晚于当前时间"]}


def test_malformed_json_is_400(tokens):
    r = tokens.client("clerk").post(URL, data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "parse_error" and r.json()["message"] == "请求内容不是有效的 JSON"


def test_handler_token_cannot_register(tokens, register_body):
    r = tokens.client("handler").post(URL, register_body, format="json")
    assert r.status_code == 403
    assert r.json() == {
        "code": "not_permitted",
        "message": "只有信访部门的登记员或受理分办人员可以登记信访事项",
        "errors": {},
    }


def test_missing_invalid_and_revoked_tokens_are_401(tokens, register_body):
    from xinfang.api.services import credential_revoke

    r = APIClient().post(URL, register_body, format="json")
    assert r.status_code == 401 and r["WWW-Authenticate"] == "Token"
    assert r.json()["code"] == "not_authenticated"
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token xft_not-a-token")
    r = bad.get(URL)
    assert r.status_code == 401 and r.json()["message"] == "身份认证失败：令牌无效或已吊销"
    client = tokens.client("clerk")
    assert client.get(URL).status_code == 200
    credential_revoke(credential=tokens.tokens["clerk"])
    r = client.get(URL)
    assert r.status_code == 401


def test_token_records_last_use(tokens):
    client = tokens.client("clerk")
    assert tokens.tokens["clerk"].last_used_at is None
    client.get(URL)
    tokens.tokens["clerk"].refresh_from_db()
    assert tokens.tokens["clerk"].last_used_at is not None


def test_session_authentication_for_the_browser(personas, register_body):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(personas.clerk)
    assert client.get(URL).status_code == 200
    # A browser POST without the CSRF token is refused.
    r = client.post(URL, register_body, format="json")
    assert r.status_code == 403 and "CSRF" in r.json()["message"]


def test_throttled_is_429_in_chinese(tokens, monkeypatch):
    from xinfang.api.auth import ApiRateThrottle

    monkeypatch.setattr(ApiRateThrottle, "rate", "2/min", raising=False)
    client = tokens.client("clerk")
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    r = client.get(URL)
    assert r.status_code == 429
    assert r.json()["code"] == "throttled" and r.json()["message"].startswith("请求过于频繁")


def test_the_api_rate_is_counted_where_settings_say_not_in_the_shared_cache(tokens, monkeypatch):
    """Without REDIS_URL the API's rate counter lives in the worker's memory (the "local" cache): a request
    writes no throttle row to the shared cache (the database cache in production)."""
    from django.core.cache import caches

    from xinfang.api.auth import ApiRateThrottle

    monkeypatch.setattr(ApiRateThrottle, "rate", "2/min", raising=False)
    client = tokens.client("clerk")
    assert client.get(URL).status_code == 200
    key = f"throttle_api_{tokens.tokens['clerk'].user.pk}"
    assert caches["local"].get(key) is not None
    assert caches["default"].get(key) is None
