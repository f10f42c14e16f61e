"""POST /requests (open311.md §5, §6, §13.2): api_key, validation, the three service types, tokens."""

from __future__ import annotations

import urllib.parse

import pytest
from django.core.management import call_command

from xinfang.api.models import Open311Key, Open311Submission
from xinfang.api.services import credential_revoke
from xinfang.petitions.models import Channel, Event, Petition

from .open311_util import BASE, FIXTURES, assert_equivalent, both, post_body

URL = f"{BASE}/requests"


def post(client, body, fmt="json"):
    return client.post(f"{URL}.{fmt}", body)


def errors_of(response) -> list[str]:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    assert isinstance(data, list) and all(set(e) == {"code", "description"} for e in data)
    assert all(e["code"] == response.status_code for e in data)
    return [e["description"] for e in data]


def test_realtime_post_registers_at_the_keys_office(client, o311_key, o311_services, personas):
    r = post(
        client,
        post_body(
            o311_key,
            **{
                "attribute[people]": "12",
                "first_name": "大爷",
                "last_name": "王",
                "phone": "13812345678",
                "email": "a@example.com",
            },
        ),
    )
    assert r.status_code == 200, r.content
    [doc] = r.json()
    assert set(doc) == {"service_request_id", "service_notice", "account_id"}
    assert doc["account_id"] is None
    p = Petition.objects.get(number=doc["service_request_id"])
    assert p.office_unit == personas.org.county_office and p.status == "registered"
    assert p.category is not None
    assert p.channel == Channel.ONLINE and p.category.code == "602015"
    assert p.petitioner_name == "王大爷" and p.phone_masked == "138****5678"
    assert "问题地点：扶沟县建设街与棉麻一场交叉口" in p.content
    assert "问题类型：设施损坏" in p.content and "涉及人数：12" in p.content
    assert f"编号{p.number}" in doc["service_notice"] and "查询码" in doc["service_notice"]
    event = Event.objects.get(petition=p, action="register")
    assert event.actor_name == "接口：fixmystreet"
    submission = Open311Submission.objects.get(petition=p)
    assert submission.key.name == "fixmystreet" and submission.attributes["people"] == ["12"]


def test_xml_post_answers_in_xml(client, o311_key, o311_services):
    r = post(client, post_body(o311_key), fmt="xml")
    assert r.status_code == 200 and r["Content-Type"] == "text/xml; charset=utf-8"
    text = r.content.decode()
    assert "<service_requests><request><service_request_id>" in text and "<account_id/>" in text


def test_batch_returns_a_token_exchanged_for_the_id(client, o311_key, o311_services):
    r = post(client, post_body(o311_key, service_code="602006", **{"attribute[kind]": None}))
    assert r.status_code == 200
    [doc] = r.json()
    assert set(doc) == {"token", "service_notice", "account_id"}
    xml, js = both(client, f"tokens/{doc['token']}")
    data = assert_equivalent(xml, js)
    number = Petition.objects.get().number
    assert data == [{"service_request_id": number, "token": doc["token"]}]


def test_blackbox_returns_neither_id_nor_token(client, o311_key, o311_services):
    r = post(client, post_body(o311_key, service_code="602018", **{"attribute[kind]": None}))
    assert r.status_code == 200
    [doc] = r.json()
    assert set(doc) == {"service_notice", "account_id"}
    assert Petition.objects.count() == 1


def test_unknown_token_is_404(client, org):
    xml, js = both(client, "tokens/deadbeef")
    assert assert_equivalent(xml, js) == [{"code": 404, "description": "未知的 token"}]


def test_multivalue_attribute_and_chinese_text_round_trip(client, o311_key, o311_services):
    description = "关于“建设街”窨井盖的反映：\n第一，夜间无照明；\n第二，靠近学校。<>&' 符号也要原样保存。"
    body = post_body(o311_key, description=description.replace("<>", "＜＞"))
    body["attribute[hazards][]"] = ["a", "c"]
    r = post(client, body)
    assert r.status_code == 200, r.content
    p = Petition.objects.get()
    assert p.content.startswith(description.replace("<>", "＜＞"))
    assert "危险情况：夜间无照明、车辆通行" in p.content


def test_description_of_4000_characters_is_accepted_and_4001_refused(client, o311_key, o311_services):
    assert post(client, post_body(o311_key, description="井" * 4000)).status_code == 200
    r = post(client, post_body(o311_key, description="井" * 4001))
    assert r.status_code == 400
    assert errors_of(r) == ["description 不超过4000字（现为4001字）"]
    assert Petition.objects.count() == 1


def test_html_in_description_is_rejected(client, o311_key, o311_services):
    r = post(client, post_body(o311_key, description="请看<script>alert(1)</script>"))
    assert r.status_code == 400 and errors_of(r) == ["description 不能包含 HTML 或代码"]


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"api_key": None}, 403, "缺少 api_key，不能提交（create_request）"),
        ({"api_key": "o311_wrong"}, 403, "api_key 无效或已吊销，不能提交（create_request）"),
        ({"service_code": None}, 400, "缺少 service_code"),
        ({"service_code": "NOPE"}, 404, "未知的 service_code：NOPE"),
        ({"address_string": None}, 400, "缺少位置：请提供 lat 和 long、address_string 或 address_id 之一"),
        ({"lat": "33.1"}, 400, "lat 和 long 必须同时提供"),
        ({"lat": "95", "long": "114"}, 400, "lat 超出范围（-90 至 90）"),
        ({"lat": "north", "long": "114"}, 400, "lat 应为数字（WGS84 经纬度）"),
        ({"attribute[kind]": None}, 400, "缺少必填的 attribute[kind]（问题类型）"),
        ({"attribute[kind]": "9"}, 400, "attribute[kind] 的取值“9”不在可选项中"),
        ({"attribute[people]": "很多"}, 400, "attribute[people] 应为数字"),
        ({"description": ""}, 400, "缺少 description：请描述反映的问题和诉求"),
        ({"phone": "12345"}, 400, "电话号码格式不正确：请填写11位手机号或带区号的固定电话（如0394-8123456）"),
        ({"jurisdiction_id": "411627"}, 400, "该 api_key 绑定的扶沟县信访局不能登记 411627（太康县）的事项"),
        ({"jurisdiction_id": "nowhere"}, 404, "未知的 jurisdiction_id：nowhere（应为本平台的行政区划代码）"),
    ],
)
def test_post_errors(client, o311_key, o311_services, overrides, status, message):
    r = post(client, post_body(o311_key, **overrides))
    assert r.status_code == status
    assert errors_of(r) == [message]
    assert not Petition.objects.exists()
    xml = post(client, post_body(o311_key, **overrides), fmt="xml")
    assert xml.status_code == status and f"<errors><error><code>{status}</code>" in xml.content.decode()


def test_multivalue_outside_the_keys_is_400(client, o311_key, o311_services):
    body = post_body(o311_key)
    body["attribute[hazards][]"] = ["a", "z"]
    r = post(client, body)
    assert r.status_code == 400 and errors_of(r) == ["attribute[hazards] 的取值“z”不在可选项中"]


def test_several_errors_in_one_body(client, o311_key, o311_services):
    r = post(client, post_body(o311_key, **{"attribute[kind]": "9", "attribute[people]": "x"}))
    assert r.status_code == 400 and len(errors_of(r)) == 2


def test_jurisdiction_inside_the_keys_area_sets_the_problem_area(client, o311_key, o311_services):
    r = post(client, post_body(o311_key, jurisdiction_id="411621100"))
    assert r.status_code == 200
    assert Petition.objects.get().area.code == "411621100"


def test_revoked_key_is_403(client, o311_key, o311_services):
    credential_revoke(credential=Open311Key.objects.get())
    r = post(client, post_body(o311_key))
    assert r.status_code == 403


def test_fixmystreet_shaped_post_is_accepted(client, o311_key, o311_services):
    raw = (FIXTURES / "fixmystreet_post.txt").read_text().replace("api_key=KEY", f"api_key={o311_key}")
    r = client.post(f"{URL}.json", raw, content_type="application/x-www-form-urlencoded; charset=utf-8")
    assert r.status_code == 200, r.content
    p = Petition.objects.get(number=r.json()[0]["service_request_id"])
    assert p.title == "窨井盖破损"  # FixMyStreet sends the title as attribute[title]
    assert p.petitioner_name == "王大爷"
    assert "坐标（WGS84）：33.4,114.4" in p.content and "图片/附件链接：http://example.org/photo.jpg" in p.content
    assert "危险情况：夜间无照明、靠近学校" in p.content
    assert urllib.parse.parse_qs(raw)["attribute[report_url]"]  # unknown attributes are ignored, not refused


def test_open311_key_command_prints_the_key_last(org, capsys):
    call_command("open311_key", "--create", "hotline")
    out = capsys.readouterr().out.strip().splitlines()
    key = Open311Key.objects.get(name="hotline")
    assert out[-1].startswith("o311_") and key.digest != out[-1]
    assert key.unit.code == "ZK-XFJ"  # the first 信访部门 in the unit tree
    call_command("open311_key", "--create", "county", "--unit", "FG-XFJ")
    assert Open311Key.objects.get(name="county").unit.code == "FG-XFJ"
    call_command("open311_key", "--list")
    assert "hotline" in capsys.readouterr().out
    call_command("open311_key", "--revoke", "hotline")
    assert Open311Key.objects.get(name="hotline").revoked_at is not None
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="只能绑定信访部门"):
        call_command("open311_key", "--create", "wrong", "--unit", "FG-SZS")


def test_a_failure_storing_the_token_leaves_no_case(client, o311_key, o311_services, monkeypatch):
    from django.db import IntegrityError

    first = post(client, post_body(o311_key))
    assert first.status_code == 200, first.content
    taken = Open311Submission.objects.get().token
    cases = Petition.objects.count()
    monkeypatch.setattr("xinfang.api.services.secrets.token_hex", lambda n: taken)  # a token that is already used
    with pytest.raises(IntegrityError):
        post(client, post_body(o311_key, description="第二件：路灯不亮"))
    assert Petition.objects.count() == cases
    assert not Petition.objects.filter(content__startswith="第二件").exists()
    assert Open311Submission.objects.count() == 1
