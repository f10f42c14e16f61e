from __future__ import annotations

from django.test import Client
from django.urls import reverse

from xinfang.petitions import services
from xinfang.portal import throttle

from .conftest import strip_csrf, unlock


def lookup(client: Client, number: str, code: str, ip: str = "203.0.113.7"):
    return client.post(reverse("portal:lookup"), {"number": number, "code": code}, REMOTE_ADDR=ip)


def test_get_shows_the_form(client, db):
    response = client.get(reverse("portal:lookup"))
    assert response.status_code == 200
    assert 'id="lookup-form"' in response.content.decode()


def test_right_number_and_code_open_the_case(client, registered_case):
    p = registered_case.petition
    response = lookup(client, p.number, registered_case.query_code)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/case/{p.number}/"
    assert client.session.get(f"portal_case_{p.pk}") is True


def test_code_is_accepted_formatted_and_in_lower_case(client, registered_case):
    p = registered_case.petition
    code = services.format_query_code(registered_case.query_code).lower()
    assert lookup(client, f" {p.number} ", code).status_code == 302


def test_wrong_code_and_wrong_number_give_the_identical_response(client, registered_case):
    p = registered_case.petition
    wrong_code = lookup(client, p.number, "2222-3333-4444-5555")
    wrong_number = lookup(client, "411621-2099-999999", registered_case.query_code)
    assert wrong_code.status_code == wrong_number.status_code == 400
    assert "编号或查询码不正确" in wrong_code.content.decode()
    assert strip_csrf(wrong_code.content.decode()) == strip_csrf(wrong_number.content.decode())
    assert p.number not in wrong_code.content.decode()  # nothing echoed back
    assert not any(k.startswith("portal_case_") for k in list(client.session.keys()))


def test_empty_fields_give_chinese_messages(client, db):
    response = lookup(client, "", "")
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写信访件编号" in html and "请填写查询码" in html


def test_throttled_per_ip_after_ten_failures(client, registered_case):
    for i in range(throttle.IP_LIMIT):
        assert lookup(client, f"411621-2026-{i:06d}", "WRONGCODE").status_code == 400
    blocked = lookup(client, registered_case.petition.number, registered_case.query_code)
    assert blocked.status_code == 429
    assert "查询失败次数过多" in blocked.content.decode()
    assert blocked["Retry-After"]
    # another IP is not affected
    assert (
        lookup(client, registered_case.petition.number, registered_case.query_code, ip="198.51.100.1").status_code
        == 302
    )


def test_throttled_per_case_number_across_ips(client, registered_case):
    p = registered_case.petition
    for i in range(throttle.NUMBER_LIMIT):
        assert lookup(client, p.number, "WRONGCODE", ip=f"198.51.100.{i}").status_code == 400
    blocked = lookup(client, p.number, registered_case.query_code, ip="192.0.2.200")
    assert blocked.status_code == 429
    assert not any(k.startswith("portal_case_") for k in list(client.session.keys()))


def test_successes_do_not_count(client, registered_case):
    for _ in range(throttle.IP_LIMIT + 2):
        assert lookup(client, registered_case.petition.number, registered_case.query_code).status_code == 302


def test_case_page_without_lookup_redirects_to_lookup(client, registered_case):
    response = client.get(reverse("portal:case", args=[registered_case.petition.number]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:lookup")


def test_unknown_case_redirects_the_same_way(client, db):
    response = client.get(reverse("portal:case", args=["nope"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:lookup")


def test_unlocking_one_case_does_not_open_another(client, personas):
    from xinfang.petitions.tests.factories import register

    first, second = register(personas.clerk), register(personas.clerk)
    unlock(client, first)
    assert client.get(reverse("portal:case", args=[first.petition.number])).status_code == 200
    assert client.get(reverse("portal:case", args=[second.petition.number])).status_code == 302


def test_leave_forgets_the_case(client, registered_case):
    unlock(client, registered_case)
    client.post(reverse("portal:leave"))
    assert client.get(reverse("portal:case", args=[registered_case.petition.number])).status_code == 302
