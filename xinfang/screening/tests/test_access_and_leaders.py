"""Access (a township sees its own disputes only; a leader their 包案 plus their area), raising a petition
into a dispute (both timelines kept), a leader's 化解率 on hand-built cases."""

from __future__ import annotations

import pytest
from django.http import Http404

from xinfang.accounts.models import Role
from xinfang.accounts.tests.factories import make_user
from xinfang.core.errors import InvalidTransition, NotPermitted
from xinfang.core.models import AuditEvent
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import advance, register
from xinfang.screening import selectors, services
from xinfang.screening.access import access_dispute, can_see_dispute, disputes_visible_to

pytestmark = pytest.mark.django_db


def test_township_sees_its_own_disputes_only(scene):
    mine = scene.dispute(area=scene.p.org.chengguan)
    theirs = scene.dispute(area=scene.cuiqiao)
    assert list(disputes_visible_to(scene.chengguan_worker)) == [mine]
    assert list(disputes_visible_to(scene.cuiqiao_worker)) == [theirs]
    with pytest.raises(Http404):
        access_dispute(scene.chengguan_worker, theirs.pk)
    with pytest.raises(NotPermitted):
        services.dispute_record_progress(actor=scene.chengguan_worker, dispute_id=theirs.pk, note="越权")
    services.dispute_record_progress(actor=scene.chengguan_worker, dispute_id=mine.pk, note="已入户走访")


def test_leader_sees_their_area_and_their_cases_elsewhere(scene):
    here = scene.dispute(area=scene.cuiqiao, grade="red")
    # A 太康 leader takes on nothing in 扶沟 but a case given to him by name is his.
    taikang_leader = make_user("tk_leader", scene.p.org.taikang_gov, Role.LEADER, full_name="太康县领导")
    assert not can_see_dispute(taikang_leader, here)
    services.dispute_take_on(actor=scene.p.clerk, dispute_id=here.pk, leader=taikang_leader)
    here.refresh_from_db()
    assert list(disputes_visible_to(taikang_leader)) == [here]
    # 扶沟's county leader sees all of 扶沟; the 城关镇 leader only 城关镇.
    other = scene.dispute(area=scene.p.org.chengguan)
    assert set(disputes_visible_to(scene.p.leader)) == {here, other}
    assert list(disputes_visible_to(scene.town_leader)) == [other]
    # the outsider sees nothing; the python check and the query agree on every pair
    assert not disputes_visible_to(scene.p.outsider).exists()
    for user in (
        scene.p.outsider,
        scene.p.leader,
        scene.town_leader,
        taikang_leader,
        scene.cuiqiao_worker,
        scene.p.handler,
    ):
        assert {d.pk for d in disputes_visible_to(user)} == {d.pk for d in (here, other) if can_see_dispute(user, d)}


def test_responsible_unit_sees_and_works_what_it_was_given(scene):
    d = scene.dispute()
    assert not can_see_dispute(scene.p.handler, d)
    services.dispute_assign(actor=scene.p.clerk, dispute_id=d.pk, unit=scene.p.org.municipal, person="王磊")
    d.refresh_from_db()
    assert can_see_dispute(scene.p.handler, d)
    services.dispute_record_progress(actor=scene.p.handler, dispute_id=d.pk, note="已约谈双方")
    with pytest.raises(NotPermitted):  # but may not change the grade
        services.dispute_change_grade(
            actor=scene.p.handler, dispute_id=d.pk, grade=services.grade_get("red"), reason="x"
        )


def test_raising_a_petition_keeps_both_timelines(scene):
    petition = register(scene.p.clerk, area=scene.p.org.chengguan).petition
    before = list(petition.events.values_list("action", flat=True))
    due_before = Petition.objects.get(pk=petition.pk).due_date
    d = services.dispute_raise_from_petition(
        actor=scene.p.clerk,
        petition=petition,
        grade=services.grade_get("orange"),
        dispute_type="property",
        note="群众反映强烈",
    )
    petition.refresh_from_db()
    # the petition: its workflow and deadline untouched, its timeline one entry longer and naming the dispute
    assert petition.status == "registered" and petition.due_date == due_before
    after = list(petition.events.order_by("at", "id"))
    assert [e.action for e in after[: len(before)]] == before
    assert d.number in after[-1].note
    # the dispute: its own timeline, the petition linked, the petitioner a (sealed) party
    assert list(d.events.values_list("action", flat=True)) == ["register", "raise"]
    assert list(d.petitions.all()) == [petition]
    party = d.parties.get()
    assert party.phone_hash == petition.phone_hash and party.name_masked == "王**"
    assert d.source == "petition" and d.area == petition.area
    assert AuditEvent.objects.filter(action="dispute.raise").count() == 1
    with pytest.raises(InvalidTransition):
        services.dispute_raise_from_petition(
            actor=scene.p.clerk, petition=petition, grade=services.grade_get("orange"), dispute_type="property"
        )
    # the case goes on in its own workflow
    advance(petition, "dispatched", personas=scene.p)


def test_a_dispute_gathers_several_petitions(scene):
    first = register(scene.p.clerk, area=scene.p.org.chengguan).petition
    second = register(
        scene.p.clerk, area=scene.p.org.chengguan, petitioner={"name": "李大妈", "phone": "13900002222"}
    ).petition
    d = services.dispute_raise_from_petition(
        actor=scene.p.clerk, petition=first, grade=services.grade_get("yellow"), dispute_type="property"
    )
    services.dispute_link_petition(actor=scene.p.clerk, dispute_id=d.pk, petition=second)
    assert set(d.petitions.all()) == {first, second}
    assert d.parties.count() == 2


def test_leader_rate_on_hand_built_cases(scene):
    leader = scene.p.leader
    a, b, c, e = (scene.dispute(grade="red", title=f"案{i}") for i in range(4))
    for d in (a, b, c, e):
        services.dispute_take_on(actor=leader, dispute_id=d.pk)
    services.dispute_conclude(actor=leader, dispute_id=a.pk, outcome="resolved", note="化解")
    services.dispute_conclude(actor=leader, dispute_id=b.pk, outcome="legal", note="引导诉讼")
    services.dispute_conclude(actor=leader, dispute_id=c.pk, outcome="controlled", note="稳控")
    # one petition taken on and closed, one taken on and open
    closed = register(scene.p.clerk).petition
    open_ = register(scene.p.clerk).petition
    from xinfang.petitions import services as ps

    for p in (closed, open_):
        ps.petition_take_on(actor=leader, petition_id=p.pk)
    advance(closed, "closed", personas=scene.p)
    rate = selectors.leader_rate(leader)
    assert (rate.resolved, rate.total) == (2, 6)
    assert str(rate.rate) == "33.3"
    # handed over: counts for the new holder only
    other = make_user("leader2", scene.p.org.county_gov, Role.LEADER, full_name="副县长")
    services.dispute_hand_over(actor=leader, dispute_id=e.pk, to_leader=other, reason="分工调整")
    assert (selectors.leader_rate(leader).total, selectors.leader_rate(other).total) == (5, 1)
    services.dispute_release(actor=other, dispute_id=e.pk, reason="已转入法定途径")
    assert selectors.leader_rate(other).total == 0


def test_audit_chain_seals_both_timelines(scene):
    from io import StringIO

    from django.core.management import call_command

    from xinfang.screening.models import DisputeEvent

    petition = register(scene.p.clerk, area=scene.p.org.chengguan).petition
    d = services.dispute_raise_from_petition(
        actor=scene.p.clerk, petition=petition, grade=services.grade_get("yellow"), dispute_type="property"
    )
    services.dispute_record_progress(actor=scene.p.clerk, dispute_id=d.pk, note="入户走访")
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "审计链完整" in out.getvalue()
    DisputeEvent.objects.filter(dispute=d, action="progress").update(note="篡改")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as exc:
        call_command("audit_verify", stdout=StringIO())
    assert d.number in str(exc.value) and "被修改" in str(exc.value)


def test_petition_leader_hands_over_and_releases_with_a_reason(client, scene):
    from xinfang.core.errors import ValidationFailed
    from xinfang.petitions import services as ps

    leader, other = scene.p.leader, make_user("leader3", scene.p.org.county_gov, Role.LEADER, full_name="副书记")
    p = register(scene.p.clerk).petition
    ps.petition_take_on(actor=leader, petition_id=p.pk)
    with pytest.raises(NotPermitted):  # another leader may not take it away
        ps.petition_hand_over(actor=other, petition_id=p.pk, to_leader=other, reason="抢")
    with pytest.raises(ValidationFailed):
        ps.petition_hand_over(actor=leader, petition_id=p.pk, to_leader=scene.p.handler, reason="交给承办人")
    with pytest.raises(ValidationFailed, match="理由"):
        ps.petition_release_leader(actor=leader, petition_id=p.pk, reason="")
    # through the leader's page
    client.force_login(leader)
    resp = client.post(
        "/screening/leader/", {"petition": p.pk, "leader": other.pk, "reason": "分工调整", "op": "hand_over"}
    )
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.leader == other and p.status == "registered"
    assert "分工调整" in p.events.get(action="hand_over").note
    ps.petition_release_leader(actor=scene.p.dispatcher, petition_id=p.pk, reason="已转入诉讼")
    p.refresh_from_db()
    assert p.leader is None and p.events.filter(action="release_leader").count() == 1
    assert selectors.leader_rate(other).total == 0


def test_the_case_page_offers_raising_then_links_to_the_dispute(scene, client):
    """转为矛盾纠纷 is one step from the case page (petitions offers the place, screening the link); once
    raised, the page links to the dispute instead; the handling unit, which registers no disputes, gets neither."""
    from django.urls import reverse

    petition = register(scene.p.clerk, area=scene.p.org.chengguan).petition
    page = reverse("petitions:detail", args=[petition.pk])
    client.force_login(scene.p.clerk)
    body = client.get(page).content.decode()
    assert reverse("screening:raise", args=[petition.pk]) in body and "转为矛盾纠纷" in body
    d = services.dispute_raise_from_petition(
        actor=scene.p.clerk, petition=petition, grade=services.grade_get("orange"), dispute_type="property"
    )
    body = client.get(page).content.decode()
    assert reverse("screening:raise", args=[petition.pk]) not in body
    assert reverse("screening:detail", args=[d.pk]) in body and d.number in body
