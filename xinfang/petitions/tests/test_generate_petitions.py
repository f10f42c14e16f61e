"""`generate_petitions`: N realistic cases whose deadlines agree with the deadline service."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from xinfang.core.models import AuditEvent
from xinfang.deadlines.models import Deadline
from xinfang.deadlines.services import deadlines_sweep
from xinfang.petitions.management.generator import Generator
from xinfang.petitions.models import Event, Petition

pytestmark = pytest.mark.django_db


def test_generates_n_petitions_with_consistent_deadlines(personas):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_petitions", "--count", "240", "--seed", "7", "--batch-size", "100", "--no-progress",
                 stdout=out, stderr=err)
    assert "已生成 240 件" in out.getvalue()
    assert Petition.objects.count() == 240
    assert AuditEvent.objects.filter(action="petition.bulk_import").count() == 3  # 100 + 100 + 40
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert {"closed", "accepted", "registered", "dispatched"} <= statuses
    # Every case has its registration (or online submission) event, and a timeline in date order.
    assert Event.objects.filter(action__in=["register", "submit"]).values("petition").distinct().count() == 240
    for p in Petition.objects.all():
        organ = [d for d in Deadline.objects.filter(petition=p, status="open", party="organ")]
        if p.status in ("closed", "not_accepted", "final"):
            assert not organ, p.number
        if organ:
            first = min(organ, key=lambda d: d.due_date)
            assert (p.due_date, p.deadline_state) == (first.due_date, first.state), p.number
        else:
            assert p.due_date is None and p.deadline_state == ""
        times = list(p.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times), p.number
    # The sweep, run now, finds nothing to change and no warning left to send.
    stats = deadlines_sweep()
    assert stats["changed"] == 0 and stats["petitions"] == 0 and stats["notified"] == 0
    assert Petition.objects.filter(deadline_state="overdue").exists()


def test_same_seed_same_data(personas):
    a = Generator(seed=11)
    b = Generator(seed=11)
    for _ in range(30):
        pa, pb = a.plan()[0], b.plan()[0]
        assert (pa.title, pa.content, pa.petitioner, pa.channel, pa.received_at, [s.action for s in pa.steps],
                pa.query_code) == (pb.title, pb.content, pb.petitioner, pb.channel, pb.received_at,
                                   [s.action for s in pb.steps], pb.query_code)
