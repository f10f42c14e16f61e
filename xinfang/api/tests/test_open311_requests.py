"""GET /requests and /requests/{id} (open311.md §7, §8, §10, §11.8, §13.2)."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.utils import timezone

from xinfang.petitions import services
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.tests.factories import advance, register

from .open311_util import BASE, assert_equivalent, both, validate

W3C_TZ = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def ids(data) -> list[str]:
    return [row["service_request_id"] for row in data]


def get(client, params=None, path="requests"):
    r = client.get(f"{BASE}/{path}.json", params or {})
    assert r.status_code == 200, r.content
    return r.json()


def test_requests_in_both_formats_match_the_schema(client, personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    xml, js = both(client, "requests", {"extensions": "true"})
    data = assert_equivalent(xml, js)
    assert ids(data) == [p.number]
    row = data[0]
    validate(row, "request")
    assert row["status"] == "open" and row["status_notes"] == "办理中"
    assert row["service_code"] == "602015" and row["service_name"] == "城乡建设"
    assert row["agency_responsible"] == "扶沟县市政所"
    assert row["address"] == "扶沟县" and row["address_id"] == "411621"
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C_TZ.match(row[key]), (key, row[key])
    assert p.due_date is not None
    assert row["expected_datetime"] == f"{p.due_date.isoformat()}T23:59:59+08:00"
    assert set(row) >= {"zipcode", "lat", "long", "media_url", "service_notice"}  # §10.2: every key, null if empty
    ext = row["extended_attributes"]
    assert ext["channel"] == "call" and ext["handling_unit"] == "扶沟县市政所"
    assert ext["xinfang_status"] == "accepted" and ext["due_date_basis"]
    assert [n["summary"] for n in row["notes"]] == ["登记", "转送/交办", "受理"]
    assert [n["type"] for n in row["notes"]] == ["submitted", "activity", "opened"]
    assert row["notes"][1]["description"] == "转送/交办：扶沟县市政所（扶沟县信访局）"
    # Without extensions=true the plain GeoReport fields only.
    plain = get(client)[0]
    assert "extended_attributes" not in plain and "notes" not in plain


def test_one_request_is_an_array_of_one(client, personas):
    p = register(personas.clerk).petition
    xml, js = both(client, f"requests/{p.number}")
    data = assert_equivalent(xml, js)
    assert isinstance(data, list) and ids(data) == [p.number]
    xml, js = both(client, "requests/411621-2026-999999")
    assert assert_equivalent(xml, js) == [{"code": 404, "description": "未知的 service_request_id：411621-2026-999999"}]


def test_status_maps_to_open_and_closed(client, personas):
    open_ = register(personas.clerk).petition
    closed = advance(register(personas.clerk).petition, "closed", personas=personas)
    rejected = register(personas.clerk).petition
    services.petition_reject(
        actor=personas.dispatcher, petition_id=rejected.pk, reason="属于诉讼事项", legal_route="litigation"
    )
    assert ids(get(client, {"status": "open"})) == [open_.number]
    assert ids(get(client, {"status": "closed"})) == [closed.number, rejected.number]
    assert len(get(client, {"status": "open, closed"})) == 3
    assert len(get(client, {"status": "open,closed"})) == 3
    row = {r["service_request_id"]: r for r in get(client)}
    assert row[closed.number]["status_notes"] == "已办结：处理意见为“支持”，信访人评价“满意”"
    assert row[closed.number]["expected_datetime"] is None
    assert row[rejected.number]["status_notes"] == "不予受理；告知途径：向人民法院提起诉讼"
    r = client.get(f"{BASE}/requests.json", {"status": "pending"})
    assert r.status_code == 400


def test_service_code_filter_accepts_comma_lists_and_repeats(client, personas):
    a = register(personas.clerk).petition
    b = register(personas.clerk, category=Category.objects.get(code="602006")).petition
    register(personas.clerk, category=Category.objects.get(code="602007"))
    assert ids(get(client, {"service_code": "602015"})) == [a.number]
    assert ids(get(client, {"service_code": "602015, 602006"})) == [a.number, b.number]
    r = client.get(f"{BASE}/requests.json?service_code=602015&service_code=602006")
    assert ids(r.json()) == [a.number, b.number]


def test_service_request_id_overrides_other_arguments(client, personas):
    a = register(personas.clerk).petition
    b = register(personas.clerk, received_at=timezone.now() - dt.timedelta(days=200)).petition
    data = get(
        client,
        {
            "service_request_id": f"{a.number},{b.number}",
            "status": "closed",
            "service_code": "602001",
            "start_date": "2020-01-01T00:00:00Z",
        },
    )
    assert ids(data) == [a.number, b.number]


def test_default_window_is_the_last_90_days(client, personas):
    recent = register(personas.clerk).petition
    old = register(personas.clerk, received_at=timezone.now() - dt.timedelta(days=91)).petition
    assert ids(get(client)) == [recent.number]
    start = (timezone.now() - dt.timedelta(days=100)).isoformat()
    end = (timezone.now() - dt.timedelta(days=80)).isoformat()
    assert ids(get(client, {"start_date": start, "end_date": end})) == [old.number]
    # Only a start: 90 days from it. Only an end: the 90 days before it.
    assert ids(get(client, {"start_date": start})) == [old.number]
    assert ids(get(client, {"end_date": timezone.now().isoformat()})) == [recent.number]


def test_date_errors(client, org):
    def error(params):
        r = client.get(f"{BASE}/requests.json", params)
        assert r.status_code == 400, params
        return r.json()[0]["description"]

    assert (
        error({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"})
        == "start_date 与 end_date 的跨度不能超过90天"
    )
    assert (
        error({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"})
        == "start_date 不能晚于 end_date"
    )
    assert "W3C" in error({"start_date": "yesterday"})
    assert "年份" in error({"start_date": "0001-01-01T00:00:00Z"})
    assert error({"page_size": "5000"}) == "page_size 应为 1 至 1000 的整数"


def test_unencoded_plus_in_timezone_is_understood(client, personas):
    p = register(personas.clerk).petition
    start = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    r = client.get(f"{BASE}/requests.json?start_date={start}")  # '+' arrives as a space
    assert ids(r.json()) == [p.number]


def test_empty_parameters_equal_absent_ones(client, personas):
    register(personas.clerk)
    advance(register(personas.clerk).petition, "closed", personas=personas)
    empty = {
        k: ""
        for k in (
            "jurisdiction_id",
            "service_request_id",
            "service_code",
            "start_date",
            "end_date",
            "status",
            "page",
            "page_size",
            "updated_after",
            "extensions",
        )
    }
    assert get(client, empty) == get(client)


def test_cap_and_paging_are_stable_and_complete(client, personas, monkeypatch):
    from xinfang.api.open311.views import reads as views

    numbers = [register(personas.clerk, title=f"第{i}件").petition.number for i in range(7)]
    monkeypatch.setattr(views, "DEFAULT_CAP", 5)
    assert ids(get(client)) == numbers[:5]  # the default cap
    seen: list[str] = []
    page = 1
    while True:
        chunk = ids(get(client, {"page": page, "page_size": 3}))
        if page == 2:
            register(personas.clerk, title="翻页期间新到的件")  # arrives while the client pages
        if not chunk:
            break
        seen += chunk
        page += 1
    assert seen[:7] == numbers and len(seen) == len(set(seen)) == 8


def test_updated_after_sees_every_change(client, personas):
    a = register(personas.clerk).petition
    b = register(personas.clerk).petition
    mark = timezone.now()
    with time_machine.travel(mark + dt.timedelta(minutes=1)):
        advance(b, "dispatched", personas=personas)
    since = mark.isoformat()
    assert ids(get(client, {"updated_after": since})) == [b.number]
    with time_machine.travel(mark + dt.timedelta(minutes=2)):
        services.petition_reject(actor=personas.dispatcher, petition_id=a.pk, reason="重复", legal_route="other")
    assert set(ids(get(client, {"updated_after": since}))) == {a.number, b.number}
    later = (mark + dt.timedelta(seconds=90)).isoformat()
    assert ids(get(client, {"updated_after": later})) == [a.number]


def test_expected_datetime_follows_an_extension(client, personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    before = get(client, path=f"requests/{p.number}")[0]["expected_datetime"]
    services.petition_request_extension(actor=personas.handler, petition_id=p.pk, days=30, reason="需协调")
    services.petition_decide_extension(actor=personas.head, petition_id=p.pk, approve=True)
    after = get(client, {"extensions": "true"}, path=f"requests/{p.number}")[0]
    p.refresh_from_db()
    assert p.due_date is not None
    assert after["expected_datetime"] == f"{p.due_date.isoformat()}T23:59:59+08:00" != before
    assert after["extended_attributes"]["extended_until"] == after["expected_datetime"]
    assert "批准延期" in [n["summary"] for n in after["notes"]]


def test_jurisdiction_filters_by_area(client, personas):
    p = register(personas.clerk).petition
    assert ids(get(client, {"jurisdiction_id": "411621"})) == [p.number]
    assert ids(get(client, {"jurisdiction_id": "411627"})) == []
    assert client.get(f"{BASE}/requests/{p.number}.json", {"jurisdiction_id": "411627"}).status_code == 404


def test_datetimes_carry_a_timezone_everywhere(client, personas):
    advance(register(personas.clerk).petition, "closed", personas=personas)
    text = client.get(f"{BASE}/requests.json", {"extensions": "true"}).content.decode()
    stamps = re.findall(r'"(\d{4}-\d{2}-\d{2}T[^"]+)"', text)
    assert stamps and all(W3C_TZ.match(s) for s in stamps)


def test_every_endpoint_is_equivalent_in_xml_and_json(client, personas, o311_services):
    p = advance(register(personas.clerk, title="含<特殊>&字符\x01的标题").petition, "replied", personas=personas)
    for path, params in [
        ("discovery", {}),
        ("services", {}),
        ("services/602015", {}),
        ("services/NOPE", {}),
        ("requests", {}),
        ("requests", {"extensions": "true"}),
        (f"requests/{p.number}", {}),
        (f"requests/{p.number}", {"extensions": "true"}),
        ("requests/none", {}),
        ("requests", {"start_date": "bad"}),
        ("tokens/none", {}),
    ]:
        xml, js = both(client, path, params)
        assert_equivalent(xml, js)
    row = get(client)[0]
    assert row["description"] == "含<特殊>&字符的标题"  # escaped in XML, control character dropped
    assert Petition.objects.count() == 1


def test_service_request_updates(client, personas):
    p = advance(register(personas.clerk).petition, "closed", personas=personas)
    hidden = register(personas.clerk, confidential=True).petition
    xml, js = both(client, "servicerequestupdates")
    data = assert_equivalent(xml, js)
    assert {u["service_request_id"] for u in data} == {p.number}  # confidential cases publish nothing
    assert hidden.number not in xml.content.decode()
    assert [u["status"] for u in data] == ["open", "internal_referral", "in_progress", "fixed", "closed"]
    assert all(W3C_TZ.match(u["updated_datetime"]) and u["update_id"].isdigit() for u in data)
    assert data[-1]["external_status_code"] == "closed"
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert get(client, {"start_date": later}, path="servicerequestupdates") == []
