"""GET /api/v1/petitions/ and /petitions/{number}/: the same scope and masking as the pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import advance, register

URL = "/api/v1/petitions/"


def numbers(response) -> list[str]:
    return [row["number"] for row in response.json()["results"]]


def test_outsider_gets_404_and_an_empty_list(tokens, personas):
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    outsider = tokens.client("outsider")
    r = outsider.get(f"{URL}{p.number}/")
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "信访事项不存在或无权查看", "errors": {}}
    assert outsider.get(f"{URL}411621-2026-999999/").json() == r.json()  # absent and not-yours look the same
    assert numbers(outsider.get(URL)) == []
    # The unit it was dispatched to sees it; the registering office too.
    assert numbers(tokens.client("handler").get(URL)) == [p.number]
    assert tokens.client("clerk").get(f"{URL}{p.number}/").status_code == 200


def test_numeric_ids_are_not_an_address(tokens, personas):
    p = register(personas.clerk).petition
    assert tokens.client("clerk").get(f"{URL}{p.pk}/").status_code == 404


def test_detail_has_timeline_deadlines_and_available_actions(tokens, personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    body = tokens.client("handler").get(f"{URL}{p.number}/").json()
    assert [e["action"] for e in body["timeline"]] == ["register", "dispatch", "accept"]
    assert body["timeline"][1]["action_label"] == "转送/交办"
    open_codes = [d["code"] for d in body["deadlines"] if d["status"] == "open"]
    assert open_codes == ["handle"]
    assert p.due_date is not None
    assert body["due_date"] == p.due_date.isoformat()
    assert "submit_reply" in body["available_actions"] and "request_extension" in body["available_actions"]
    assert "approve_reply" not in body["available_actions"]  # the head's, not the handler's
    assert body["current_unit"] == {"code": "FG-SZS", "name": "扶沟县市政所"}


def test_personal_numbers_are_masked(tokens, personas):
    p = register(personas.clerk).petition
    body = tokens.client("clerk").get(f"{URL}{p.number}/").json()
    assert body["petitioner"] == {
        "name": "王大爷",
        "id_number_masked": "1101**********002X",
        "phone_masked": "138****5678",
        "address": "扶沟县建设街",
        "confidential": False,
        "identity_hidden": False,
    }
    text = str(body)
    assert "11010519491231002X" not in text and "13812345678" not in text


def test_who_sees_the_case_only_by_area_gets_the_masked_name_as_on_the_pages(tokens, personas):
    """The city's 信访局 sees the county's cases (by area) but does not handle them: the masked name and no
    address, over the API exactly as on the pages (access.can_see_name); the handling unit gets them whole."""
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    by_area = tokens.client("city_office").get(f"{URL}{p.number}/").json()["petitioner"]
    assert by_area["name"] == "王**" and by_area["address"] == "" and by_area["identity_hidden"] is False
    listed = tokens.client("city_office").get(URL).json()["results"]
    assert "王大爷" not in str(listed) and "扶沟县建设街" not in str(listed)
    handling = tokens.client("handler").get(f"{URL}{p.number}/").json()["petitioner"]
    assert handling["name"] == "王大爷" and handling["address"] == "扶沟县建设街"


def test_confidential_petitioner_hidden_from_the_handling_unit(tokens, personas):
    p = advance(register(personas.clerk, confidential=True).petition, "dispatched", personas=personas)
    hidden = tokens.client("handler").get(f"{URL}{p.number}/").json()["petitioner"]
    assert hidden["identity_hidden"] is True
    assert hidden["name"] == "（信访人要求身份保密）" and hidden["id_number_masked"] == "" and hidden["address"] == ""
    listed = tokens.client("handler").get(URL).json()["results"][0]["petitioner"]
    assert listed["identity_hidden"] is True and "王大爷" not in str(listed)
    shown = tokens.client("clerk").get(f"{URL}{p.number}/").json()["petitioner"]
    assert shown["name"] == "王大爷" and shown["identity_hidden"] is False


def test_filters(tokens, personas, org):
    from xinfang.petitions.models import Category

    a = register(personas.clerk, channel="letter", title="来信甲").petition
    b = advance(
        register(
            personas.clerk, channel="visit", title="来访乙", category=Category.objects.get(code="602006")
        ).petition,
        "dispatched",
        personas=personas,
    )
    old = register(personas.clerk, title="旧件", received_at=timezone.now() - dt.timedelta(days=40)).petition
    client = tokens.client("clerk")
    assert numbers(client.get(URL, {"state": "dispatched"})) == [b.number]
    assert numbers(client.get(URL, {"channel": "letter"})) == [a.number]
    assert numbers(client.get(URL, {"unit": "FG-SZS"})) == [b.number]
    assert numbers(client.get(URL, {"category": "602006"})) == [b.number]
    assert set(numbers(client.get(URL, {"area": "411621"}))) == {a.number, b.number, old.number}
    assert numbers(client.get(URL, {"area": "411627"})) == []
    since = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    assert set(numbers(client.get(URL, {"received_from": since}))) == {a.number, b.number}
    until = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    assert numbers(client.get(URL, {"received_to": until})) == [old.number]
    assert numbers(client.get(URL, {"q": "来访乙"})) == [b.number]
    # The old letter's 15-day transfer limit has run out.
    assert numbers(client.get(URL, {"overdue": "true"})) == [old.number]
    assert set(numbers(client.get(URL, {"overdue": "false"}))) == {a.number, b.number}


def test_bad_filters_are_400_in_chinese(tokens, personas):
    client = tokens.client("clerk")
    r = client.get(URL, {"state": "flying", "unit": "NOPE", "received_from": "2026-13-01"})
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert "不是合法选项" in errors["state"][0]
    assert errors["unit"] == ["未知的单位编码：NOPE"]
    assert "日期格式错误" in errors["received_from"][0]
    r = client.get(URL, {"received_from": "2026-02-01", "received_to": "2026-01-01"})
    assert r.json()["errors"] == {"received_to": ["截止日期不能早于起始日期"]}


def test_cursor_pagination_walks_every_case_once(tokens, personas):
    same_instant = timezone.now() - dt.timedelta(hours=1)
    for i in range(7):
        # Several cases share received_at: the -id tie-breaker keeps the order total.
        register(personas.clerk, title=f"第{i}件", received_at=same_instant if i % 2 else timezone.now())
    client = tokens.client("clerk")
    seen: list[str] = []
    url = f"{URL}?page_size=3"
    pages = 0
    while url:
        r = client.get(url)
        assert r.status_code == 200
        seen += numbers(r)
        url = r.json()["next"]
        pages += 1
    assert pages == 3
    expected = list(Petition.objects.order_by("-received_at", "-id").values_list("number", flat=True))
    assert seen == expected and len(set(seen)) == 7
    # And back again.
    r = client.get(f"{URL}?page_size=3")
    second = client.get(r.json()["next"])
    back = client.get(second.json()["previous"])
    assert numbers(back) == numbers(r)


def test_invalid_cursor_is_404_json(tokens):
    r = tokens.client("clerk").get(URL, {"cursor": "garbage"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_list_query_count_is_bounded(tokens, personas, django_assert_max_num_queries):
    for i in range(5):
        register(personas.clerk, title=f"件{i}")
    client = tokens.client("clerk")
    client.get(URL)  # warm the token's last_used_at write
    with django_assert_max_num_queries(8):
        assert len(client.get(URL).json()["results"]) == 5


def test_reference_data(tokens, personas):
    client = tokens.client("handler")
    areas = client.get("/api/v1/areas/").json()["results"]
    assert {
        "code": "411621",
        "name": "扶沟县",
        "level": 3,
        "level_label": "县区",
        "parent_code": "4116",
        "active": True,
    } in areas
    units = {u["code"]: u for u in client.get("/api/v1/units/").json()["results"]}
    assert units["FG-XFJ"]["kind"] == "xinfang" and units["FG-XFJ"]["parent_code"] == "FG-GOV"
    categories = client.get("/api/v1/categories/", {"page_size": 5}).json()
    assert len(categories["results"]) == 5 and categories["next"]
    rules = client.get("/api/v1/time-limit-rules/").json()["results"]
    assert any(r["code"] == "handle" and r["days"] == 60 for r in rules)
    assert client.get("/api/v1/routing-rules/").status_code == 200
