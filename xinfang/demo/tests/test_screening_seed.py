"""The 郸城县 四大攻坚 seed: 146 screened, 28 marked, leaders' cases, progress over weeks, 接访日, 下访."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from xinfang.core.models import AuditEvent
from xinfang.demo.city.logins import CAMPAIGN_NAME
from xinfang.demo.city.org import build_org
from xinfang.demo.city.staff import load_users
from xinfang.demo.screening_seed import load_screening
from xinfang.petitions.models import Channel, Petition
from xinfang.screening.models import Campaign, Dispute, DisputeEvent, DownVisit, ReceptionDay, ReceptionVisit

pytestmark = pytest.mark.django_db


def test_seed_reproduces_the_campaign(db):
    org = build_org()
    load_users(org)
    result = load_screening()
    campaign = Campaign.objects.get(name=CAMPAIGN_NAME)
    disputes = Dispute.objects.filter(campaign=campaign)
    assert disputes.count() == 146 and disputes.filter(marked=True).count() == 28
    # the marked ones are taken on by county leaders; red ones all marked
    assert not disputes.filter(marked=True, leader__isnull=True).exists()
    assert disputes.filter(grade__code="red").count() == disputes.filter(grade__code="red", marked=True).count() == 10
    # every township of the county is a tile; progress over weeks: some resolved, some overdue, some open
    resolved = disputes.filter(outcome="resolved").count()
    assert 40 < resolved < 120
    assert disputes.filter(deadline_state="overdue").exists()
    assert DisputeEvent.objects.filter(action="progress").values("at__date").distinct().count() > 10
    out = StringIO()
    call_command("campaign_board", office="DC-XFJ", stdout=out)
    (board,) = json.loads(out.getvalue())
    assert (board["screened"], board["marked"], board["resolved"]) == (146, 28, resolved)
    assert len(board["by_area"]) == 22 and sum(a["screened"] for a in board["by_area"]) == 146
    # reception days: past ones with visits registered as 领导接访 petitions, future ones for the portal
    assert ReceptionDay.objects.count() == result.days == 9
    visits = ReceptionVisit.objects.select_related("petition")
    assert visits.count() == result.visits > 0
    assert {v.petition.channel for v in visits} == {Channel.LEADER}
    assert Petition.objects.filter(channel=Channel.LEADER).count() >= visits.count()
    assert DownVisit.objects.count() == 5
    # idempotent
    before = (Dispute.objects.count(), ReceptionDay.objects.count(), AuditEvent.objects.count())
    assert load_screening().skipped
    assert (Dispute.objects.count(), ReceptionDay.objects.count(), AuditEvent.objects.count()) == before
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "审计链完整" in out.getvalue()
