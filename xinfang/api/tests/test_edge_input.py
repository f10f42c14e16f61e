"""Input no text field may hold, as an attacker sends it, at every door without a login (Open311, the
portal) and on the REST API: a Chinese 400 (404 in a path), the door's own error shape, nothing stored
— the same on SQLite and PostgreSQL (which refuses a NUL in any query: it used to be a 500 there)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from xinfang.api.models import Open311Submission
from xinfang.core.models import AuditEvent
from xinfang.petitions.models import Attachment, Category, Petition, Purpose
from xinfang.petitions.tests.factories import VALID_ID

from .open311_util import BASE, post_body

API = "/api/v1/petitions/"


def _stored() -> tuple[int, int, int, int]:
    return (
        Petition.objects.count(),
        Open311Submission.objects.count(),
        Attachment.objects.count(),
        AuditEvent.objects.count(),
    )


def _open311_errors(response: Any, status: int) -> list[str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    assert all(e["code"] == status for e in data)
    return [e["description"] for e in data]


def _api_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    assert not body["message"].isascii(), body["message"]  # a Chinese message
    return body


# ---------------------------------------------------------------- Open311: no login at all


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/requests/%00.json",
        f"{BASE}/requests/41%00.json",
        f"{BASE}/services/%00.json",
        f"{BASE}/tokens/%00.json",
        f"{BASE}/tokens/%1b.json",
    ],
)
def test_open311_nul_in_the_path_is_a_chinese_404(client, o311_services, path):
    assert "控制字符" in _open311_errors(client.get(path), 404)[0]


@pytest.mark.parametrize(
    "query",
    [
        {"jurisdiction_id": "\x00"},
        {"service_request_id": "1\x00"},
        {"service_code": "602015\x00"},
        {"status": "open\x00"},
        {"start_date": "2026-01-01\x00"},
        {"page": "\x00"},
        {"\x00": "1"},
    ],
)
def test_open311_nul_in_a_query_parameter_is_a_chinese_400(client, o311_services, query):
    assert "控制字符" in _open311_errors(client.get(f"{BASE}/requests.json", query), 400)[0]


def test_open311_nul_on_the_services_list_answers_in_xml_when_xml_was_asked(client, o311_services):
    r = client.get(f"{BASE}/services.xml", {"jurisdiction_id": "4116\x0021"})
    assert r.status_code == 400
    assert r["Content-Type"] == "text/xml; charset=utf-8"
    text = r.content.decode()
    assert "<errors><error><code>400</code>" in text and "控制字符" in text


@pytest.mark.parametrize(
    "field,value",
    [
        ("description", "窨井盖破损\x00，请尽快修复"),
        ("address_string", "扶沟县\x00建设街"),
        ("first_name", "王\x00"),
        ("email", "a\x00@example.com"),
        ("attribute[kind]", "1\x00"),
        ("description", "响铃\x07字符"),
    ],
)
def test_open311_post_with_a_control_character_is_refused_and_stores_nothing(
    client, o311_key, o311_services, field, value
):
    before = _stored()
    r = client.post(f"{BASE}/requests.json", post_body(o311_key, **{field: value}))
    assert "控制字符" in _open311_errors(r, 400)[0]
    assert _stored() == before


def test_open311_post_keeps_line_breaks_and_tabs_in_the_description(client, o311_key, o311_services):
    r = client.post(f"{BASE}/requests.json", post_body(o311_key, description="第一行\r\n第二行\t完"))
    assert r.status_code == 200, r.content
    assert Petition.objects.get().content.startswith("第一行\r\n第二行\t完")


# ---------------------------------------------------------------- the portal: no login at all


def test_portal_case_path_with_nul_is_a_chinese_404_page(client, db):
    r = client.get("/portal/case/a%00b/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "页面不存在" in html and "控制字符" in html and 'href="/"' in html


def test_portal_lookup_with_nul_is_a_chinese_400_page(client, personas):
    r = client.post(reverse("portal:lookup"), {"number": "411621-2026-\x00", "code": "ABCD-EFGH"})
    assert r.status_code == 400
    assert "控制字符" in r.content.decode()


def _portal_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "张三",
        "phone": "13812345678",
        "id_number": VALID_ID,
        "address": "扶沟县城关镇建设街1号",
        "area": "411621100",
        "category": str(Category.objects.get(code="602015").pk),
        "purpose": Purpose.DEMAND,
        "title": "小区门口路灯不亮",
        "content": "建设街小区门口的路灯已经坏了一个月，晚上出行很不方便，请尽快维修。",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("field", ["name", "title", "content", "address", "area", "category", "phone"])
def test_portal_submit_with_nul_in_a_field_is_refused_and_stores_nothing(client, personas, field):
    before = _stored()
    r = client.post(reverse("portal:submit"), _portal_form(**{field: "12\x0034"}))
    assert r.status_code == 400
    assert "控制字符" in r.content.decode()
    assert _stored() == before


def test_portal_submit_with_nul_and_an_attachment_stores_neither(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before = _stored()
    upload = SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0", content_type="image/jpeg")
    r = client.post(reverse("portal:submit"), {**_portal_form(title="路灯\x00"), "attachments": [upload]})
    assert r.status_code == 400
    assert "控制字符" in r.content.decode()
    assert _stored() == before
    assert not (tmp_path / "attachments").exists()


def test_a_session_cookie_with_nul_is_ignored(client, db):
    client.cookies["sessionid"] = "abc\x00def"
    r = client.get(reverse("portal:lookup"))
    assert r.status_code == 200


def test_login_with_nul_in_the_username_is_refused(client, personas):
    before = AuditEvent.objects.count()
    r = client.post(reverse("accounts:login"), {"username": "clerk\x00", "password": "x"})
    assert r.status_code == 400
    assert "控制字符" in r.content.decode()
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------- the REST API


def test_api_case_number_with_nul_in_the_path_is_a_json_404(tokens):
    r = tokens.client("clerk").get(f"{API}411621-2026-%00/")
    _api_error(r, 404, "not_found")


def test_api_query_parameter_with_nul_is_a_json_400_naming_the_parameter(tokens):
    body = _api_error(tokens.client("clerk").get(API, {"q": "王\x00"}), 400, "invalid")
    assert "控制字符" in body["errors"]["q"][0]


@pytest.mark.parametrize(
    "path",
    [("title",), ("content",), ("petitioner", "name"), ("petitioner", "address"), ("area_code",)],
)
def test_api_registration_with_nul_in_a_json_field_is_refused_and_stores_nothing(tokens, register_body, path):
    target = register_body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] += "\x00"
    client = tokens.client("clerk")
    before = _stored()
    body = _api_error(client.post(API, register_body, format="json"), 400, "invalid")
    assert "控制字符" in body["message"] and path[0] in body["errors"]
    assert _stored() == before


def test_api_registration_with_other_control_characters_is_refused(tokens, register_body):
    register_body["title"] = "标题\x1b[31m"
    client = tokens.client("clerk")
    before = _stored()
    _api_error(client.post(API, register_body, format="json"), 400, "invalid")
    assert _stored() == before


def test_api_registration_keeps_line_breaks_and_tabs_and_an_escaped_backslash(tokens, register_body):
    register_body["content"] += "\r\n第二段\t完。路径 C:\\u0000 照录"
    r = tokens.client("clerk").post(API, register_body, format="json")
    assert r.status_code == 201, r.content
    assert Petition.objects.get().content.endswith("\r\n第二段\t完。路径 C:\\u0000 照录")


def test_api_form_body_with_nul_is_refused(tokens):
    client = tokens.client("clerk")
    before = _stored()
    r = client.post(API, {"title": "a\x00"}, format="multipart")
    assert r.status_code == 400 and "控制字符" in r.json()["message"]
    r = client.post(API, "title=a%00", content_type="application/x-www-form-urlencoded")
    _api_error(r, 400, "invalid")
    assert _stored() == before


# ---------------------------------------------------------------- JSON nested too deep


@pytest.mark.parametrize("depth", [10_000, 100_000])
@pytest.mark.parametrize("shape", ["[", '{"a":'])
def test_json_nested_thousands_deep_is_a_chinese_400(tokens, depth, shape):
    closing = "]" if shape == "[" else "}"
    raw = shape * depth + "1" + closing * depth
    client = tokens.client("clerk")
    before = _stored()
    r = client.post(API, raw, content_type="application/json")
    body = _api_error(r, 400, "parse_error")
    assert "嵌套" in body["message"]
    assert _stored() == before


def test_json_nested_past_the_limit_is_refused_and_a_normal_body_is_not(tokens, register_body):
    deep: Any = "x"
    for _ in range(40):
        deep = [deep]
    r = tokens.client("clerk").post(API, {**register_body, "title": deep}, format="json")
    assert "嵌套" in _api_error(r, 400, "parse_error")["message"]
    assert tokens.client("clerk").post(API, register_body, format="json").status_code == 201


# ---------------------------------------------------------------- digits that are not 0-9


@pytest.mark.parametrize("name", ["page", "page_size"])
@pytest.mark.parametrize("value", ["²", "٣", "１"])
@pytest.mark.parametrize("path", ["requests", "servicerequestupdates"])
def test_open311_page_parameters_take_only_ascii_digits(client, o311_services, name, value, path):
    r = client.get(f"{BASE}/{path}.json", {name: value})
    assert f"{name} 应为" in _open311_errors(r, 400)[0]


def test_staff_list_filters_ignore_superscript_digits(client, personas):
    client.force_login(personas.clerk)
    r = client.get(reverse("petitions:list"), {"category": "²", "unit": "²", "q": "²" * 15})
    assert r.status_code == 200


def test_import_rows_with_superscript_digits_are_reported_not_a_crash(personas):
    from xinfang.petitions.tests.test_import_petitions import GOOD, nothing_stored, run, xlsx_bytes

    rows = [list(GOOD[0]), list(GOOD[1])]
    rows[0][7] = "²"  # headcount
    rows[1][4] = "²" * 17 + "X"  # id number
    report = run(xlsx_bytes(rows), "digits.xlsx", personas)
    assert {(p.row, p.column) for p in report.problems} == {(2, "信访人数"), (3, "身份证号")}
    assert not report.committed and nothing_stored()


def test_api_registration_with_superscript_digits_in_the_id_number_is_a_chinese_400(tokens, register_body):
    register_body["petitioner"]["id_number"] = "²" * 17 + "X"
    client = tokens.client("clerk")
    before = _stored()
    body = _api_error(client.post(API, register_body, format="json"), 400, "invalid")
    assert "身份证号" in body["message"]
    assert _stored() == before


# ---------------------------------------------------------------- bodies over the limits


def test_api_body_over_the_upload_limit_is_a_json_413(tokens, settings, register_body):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    register_body["content"] = "长" * 2000
    client = tokens.client("clerk")
    before = _stored()
    body = _api_error(client.post(API, register_body, format="json"), 413, "too_large")
    assert "过大" in body["message"]
    assert _stored() == before


def test_api_form_with_too_many_fields_is_a_json_413(tokens, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    raw = "&".join(f"f{i}=1" for i in range(20))
    r = tokens.client("clerk").post(API, raw, content_type="application/x-www-form-urlencoded")
    assert "字段过多" in _api_error(r, 413, "too_large")["message"]


def test_open311_body_over_the_limit_is_a_413_error_body(client, o311_key, o311_services, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    before = _stored()
    r = client.post(f"{BASE}/requests.json", post_body(o311_key, description="长" * 2000))
    assert "过大" in _open311_errors(r, 413)[0]
    assert _stored() == before


def test_portal_lookup_body_over_the_limit_is_a_chinese_413_page(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    r = client.post(reverse("portal:lookup"), {"number": "1" * 4000, "code": "x"})
    assert r.status_code == 413
    html = r.content.decode()
    assert "提交的内容过大" in html and 'href="/"' in html


def test_a_query_string_with_too_many_parameters_is_a_413(client, db, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    r = client.get(f"{BASE}/requests.json?" + "&".join(f"a{i}=1" for i in range(20)))
    assert "字段过多" in _open311_errors(r, 413)[0]


# ---------------------------------------------------------------- DRF's own texts reach clients in Chinese


def test_null_as_the_json_body_is_answered_in_chinese(tokens):
    client = tokens.client("clerk")
    before = _stored()
    body = _api_error(client.post(API, "null", content_type="application/json"), 400, "invalid")
    assert "No data" not in json.dumps(body, ensure_ascii=False)
    assert all(not m.isascii() for msgs in body["errors"].values() for m in msgs)
    assert _stored() == before


@pytest.mark.parametrize("raw", ["[]", "1", '"text"', "true"])
def test_a_json_body_that_is_not_an_object_is_answered_in_chinese(tokens, raw):
    body = _api_error(tokens.client("clerk").post(API, raw, content_type="application/json"), 400, "invalid")
    flat = json.dumps(body, ensure_ascii=False)
    assert all(not m.isascii() for msgs in body["errors"].values() for m in msgs), flat


def test_drf_stock_refusals_reach_the_client_in_chinese(tokens):
    client = tokens.client("clerk")
    _api_error(client.post(API, "{bad json", content_type="application/json"), 400, "parse_error")
    _api_error(client.post(API, "text", content_type="text/plain"), 415, "unsupported_media_type")
    _api_error(client.delete(API), 405, "method_not_allowed")
    _api_error(client.get(API, HTTP_ACCEPT="image/png"), 406, "not_acceptable")
    _api_error(client.get(f"{API}411621-2026-999999/"), 404, "not_found")
    _api_error(APIClient().get(API), 401, "not_authenticated")
    _api_error(APIClient().get(API, HTTP_AUTHORIZATION="Token nope"), 401, "authentication_failed")


def test_a_tab_pasted_into_a_search_is_not_refused(tokens):
    assert tokens.client("clerk").get(API, {"q": "王\t大爷"}).status_code == 200
