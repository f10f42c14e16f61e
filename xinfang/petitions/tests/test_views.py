"""Staff pages with the persona matrix: right role succeeds, other unit 404, wrong role 403, bad input a message."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import advance, register
from xinfang.petitions.workflow import Status

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def register_payload(**overrides):
    data = {
        "channel": "call",
        "received_at": "2026-11-20T09:30",
        "name": "王秀英",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "address": "扶沟县建设街",
        "headcount": "1",
        "area": "411621",
        "category": "",
        "purpose": "603003",
        "title": "建设街窨井盖破损",
        "content": "建设街和棉麻一场的窨井盖破了，很危险。",
    }
    data["purpose"] = "601003"
    data.update(overrides)
    return data


def test_workbench_shows_inboxes_with_counts(client, personas):
    register(personas.clerk)
    r = login(client, personas.dispatcher).get(reverse("petitions:workbench"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "待分办" in body and "建设街窨井盖破损" in body


def test_workbench_requires_login(client, personas):
    r = client.get(reverse("petitions:workbench"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_account_without_post_gets_403(client, personas):
    r = login(client, personas.no_role).get(reverse("petitions:workbench"))
    assert r.status_code == 403


def test_clerk_registers_through_the_form(client, personas):
    r = login(client, personas.clerk).post(reverse("petitions:register"), register_payload())
    assert r.status_code == 302
    p = Petition.objects.get()
    assert p.status == Status.REGISTERED and p.petitioner_name == "王秀英"
    page = client.get(r["Location"]).content.decode()
    assert p.number in page and 'id="query-code"' in page
    again = client.get(r["Location"]).content.decode()
    assert 'id="query-code"' not in again  # shown once


def test_visit_with_six_people_is_group_visit(client, personas):
    r = login(client, personas.clerk).post(
        reverse("petitions:register"), register_payload(channel="visit", headcount="6", rep1_name="甲", rep2_name="乙")
    )
    assert r.status_code == 302
    p = Petition.objects.get()
    assert p.is_group and p.representatives.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": "110105194912310021"}, "校验位"),
        ({"phone": "12345678901"}, "手机号码格式"),
        ({"content": ""}, "请填写信访事项的主要诉求"),
        ({"received_at": "not-a-date"}, "输入一个有效的日期/时间"),
    ],
)
def test_bad_registration_input_gets_message_and_stores_nothing(client, personas, overrides, message):
    r = login(client, personas.clerk).post(reverse("petitions:register"), register_payload(**overrides))
    assert r.status_code == 400
    assert message in r.content.decode()
    assert Petition.objects.count() == 0


def test_oversized_attachment_refused(client, personas, settings):
    settings.XINFANG_MAX_ATTACHMENT_BYTES = 1024
    big = SimpleUploadedFile("scan.pdf", b"x" * 2048, content_type="application/pdf")
    r = login(client, personas.clerk).post(reverse("petitions:register"), {**register_payload(), "attachments": big})
    assert r.status_code == 400 and "超过单个附件" in r.content.decode()
    assert Petition.objects.count() == 0


def test_script_in_title_is_escaped(client, personas):
    p = register(personas.clerk, title="<script>alert(1)</script>").petition
    body = login(client, personas.dispatcher).get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_detail_matrix(client, personas):
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    url = reverse("petitions:detail", args=[p.pk])
    for user, expected in [
        (personas.dispatcher, 200),
        (personas.handler, 200),
        (personas.head, 200),
        (personas.supervisor, 200),
        (personas.leader, 200),
        (personas.outsider, 404),
        (personas.housing_handler, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == expected, user.username


def test_dispatch_through_page(client, personas):
    p = register(personas.clerk).petition
    url = reverse("petitions:act", args=[p.pk, "dispatch"])
    r = login(client, personas.dispatcher).post(
        url, {"dispatch-mode": "transfer", "dispatch-unit": personas.org.municipal.pk}
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.DISPATCHED and p.current_unit == personas.org.municipal


def test_wrong_role_gets_403_and_nothing_changes(client, personas):
    p = register(personas.clerk).petition
    url = reverse("petitions:act", args=[p.pk, "dispatch"])
    r = login(client, personas.clerk).post(
        url, {"dispatch-mode": "transfer", "dispatch-unit": personas.org.municipal.pk}
    )
    assert r.status_code == 403
    p.refresh_from_db()
    assert p.status == Status.REGISTERED


def test_outsider_action_gets_404(client, personas):
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    r = login(client, personas.outsider).post(reverse("petitions:act", args=[p.pk, "accept"]), {})
    assert r.status_code == 404


def test_accept_then_reply_and_approve_through_pages(client, personas):
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    login(client, personas.handler)
    assert client.post(reverse("petitions:act", args=[p.pk, "accept"]), {"accept-note": "已受理"}).status_code == 302
    r = client.post(
        reverse("petitions:act", args=[p.pk, "submit_reply"]),
        {
            "submit_reply-outcome": "support",
            "submit_reply-facts": "属实",
            "submit_reply-reasons": "影响安全",
            "submit_reply-basis": "《城市道路管理条例》",
            "submit_reply-opinion": "已更换井盖",
        },
    )
    assert r.status_code == 302
    login(client, personas.head)
    r = client.post(reverse("petitions:act", args=[p.pk, "decide_reply"]), {"decide_reply-approve": "1"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.REPLIED


def test_double_click_second_gets_message_not_500(client, personas):
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    login(client, personas.handler)
    url = reverse("petitions:act", args=[p.pk, "accept"])
    assert client.post(url, {}).status_code == 302
    r = client.post(url, {})
    assert r.status_code == 400 and "不能执行" in r.content.decode()
    assert p.events.filter(action="accept").count() == 1


def test_search_by_phone_name_and_number(client, personas):
    p = register(personas.clerk).petition
    register(
        personas.clerk,
        petitioner={"name": "李四", "phone": "13900001111"},
        title="路灯不亮",
        content="小区路灯坏了一个月",
    )
    login(client, personas.dispatcher)
    for q in ["13812345678", "王大爷", p.number, "窨井盖", "11010519491231002X"]:
        body = client.get(reverse("petitions:list"), {"q": q}).content.decode()
        assert p.number in body, q
        assert "路灯不亮" not in body, q


def test_same_person_partial(client, personas):
    register(personas.clerk)
    body = (
        login(client, personas.clerk)
        .get(reverse("petitions:same-person"), {"id_number": "11010519491231002X"})
        .content.decode()
    )
    assert "以往信访事项 1 件" in body


def test_unmask_page_shows_full_number_and_logs(client, personas):
    from xinfang.core.models import AuditEvent

    p = register(personas.clerk).petition
    r = login(client, personas.dispatcher).post(reverse("petitions:unmask", args=[p.pk]), {"unmask-reason": "电话回访"})
    assert r.status_code == 200 and "13812345678" in r.content.decode()
    assert AuditEvent.objects.filter(action="pii.unmask").count() == 1
    detail = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert "13812345678" not in detail and "138****5678" in detail


def test_printable_acceptance_notice(client, personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    event = p.events.get(action="accept")
    r = login(client, personas.handler).get(reverse("petitions:notice", args=[p.pk, event.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "信访事项受理告知书" in body and "60日内办结" in body
    internal = p.events.get(action="dispatch")
    internal.public = False
    internal.save()
    assert client.get(reverse("petitions:notice", args=[p.pk, internal.pk])).status_code == 404


def test_state_change_audit_carries_actor_unit_and_ip(client, personas):
    from xinfang.core.models import AuditEvent

    p = register(personas.clerk).petition
    login(client, personas.dispatcher).post(
        reverse("petitions:act", args=[p.pk, "dispatch"]),
        {"dispatch-mode": "transfer", "dispatch-unit": personas.org.municipal.pk},
        REMOTE_ADDR="10.9.8.7",
    )
    event = AuditEvent.objects.get(action="petition.dispatch")
    assert event.actor == personas.dispatcher and event.ip == "10.9.8.7"
    assert event.unit_id_snapshot == personas.org.county_office.pk


def test_same_person_hint_for_skip_level(client, personas):
    advance(register(personas.clerk).petition, "accepted", personas=personas)
    body = (
        login(client, personas.clerk).get(reverse("petitions:same-person"), {"phone": "13812345678"}).content.decode()
    )
    assert "可标记为越级" in body


def test_list_filters_by_category_and_area(client, personas):
    from xinfang.petitions.models import Category

    a = register(personas.clerk, title="城建事项").petition
    b = register(
        personas.clerk, title="劳动事项", category=Category.objects.get(code="602006"), area=personas.org.chengguan
    ).petition
    login(client, personas.dispatcher)
    body = client.get(reverse("petitions:list"), {"category": a.category_id}).content.decode()
    assert a.number in body and b.number not in body
    body = client.get(reverse("petitions:list"), {"area": "411621100"}).content.decode()
    assert b.number in body and a.number not in body


def test_list_page_links_to_export_with_its_filters(client, personas):
    register(personas.clerk)
    body = login(client, personas.dispatcher).get(reverse("petitions:list"), {"channel": "call"}).content.decode()
    assert reverse("petitions:io-export") + "?channel=call" in body
