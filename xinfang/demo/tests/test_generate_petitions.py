"""`generate_petitions`: N realistic cases whose deadlines agree with the deadline service."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from xinfang.core.models import AuditEvent
from xinfang.demo.volume.generator import Generator
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.deadlines.sweep import deadlines_sweep
from xinfang.petitions.models import Event, Petition

pytestmark = pytest.mark.django_db


def test_generates_n_petitions_with_consistent_deadlines(personas):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate_petitions",
        "--count",
        "240",
        "--seed",
        "7",
        "--batch-size",
        "100",
        "--no-progress",
        stdout=out,
        stderr=err,
    )
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
    # Same seed and same reference time: the generator itself is deterministic. (Two bare
    # Generator() calls read the clock twice and may straddle a second boundary.)
    now = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    a = Generator(seed=11, now=now)
    b = Generator(seed=11, now=now)
    for _ in range(30):
        pa, pb = a.plan()[0], b.plan()[0]
        assert (
            pa.title,
            pa.content,
            pa.petitioner,
            pa.channel,
            pa.received_at,
            [s.action for s in pa.steps],
            pa.query_code,
        ) == (
            pb.title,
            pb.content,
            pb.petitioner,
            pb.channel,
            pb.received_at,
            [s.action for s in pb.steps],
            pb.query_code,
        )


def test_builds_an_organisation_when_there_is_none(db, monkeypatch):
    from conftest import ensure_seed_data
    from xinfang.accounts.models import Area, Unit
    from xinfang.demo.volume import texts

    ensure_seed_data()
    monkeypatch.setattr(texts, "CITIES", (("4116", "周口市", (("411621", "扶沟县"), ("411627", "太康县"))),))
    call_command(
        "generate_petitions",
        "--count",
        "60",
        "--seed",
        "3",
        "--no-progress",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Area.objects.filter(level=Area.Level.COUNTY).count() == 2
    offices = Unit.objects.filter(kind=Unit.Kind.XINFANG)
    assert set(offices.values_list("name", flat=True)) == {
        "河南省信访局",
        "周口市信访局",
        "扶沟县信访局",
        "太康县信访局",
    }
    parent = Unit.objects.get(code="411621-ZJJ").parent
    assert parent is not None
    assert parent.name == "扶沟县委县政府"
    assert Petition.objects.count() == 60
    # Areas weighted by population: both counties get cases.
    assert {p[:6] for p in Petition.objects.values_list("area_path", flat=True)} == {"/41/41"}
    assert Petition.objects.filter(area_path__startswith="/41/4116/411621/").exists()
    assert Petition.objects.filter(area_path__startswith="/41/4116/411627/").exists()
    # Repeat petitioners share the keyed hash of their ID number.
    from django.db.models import Count

    assert (
        Petition.objects.exclude(id_number_hash="")
        .values("id_number_hash")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )


def test_plans_travel_to_writer_processes_by_reference(personas):
    # Parallel writers (PostgreSQL) get the drawn plans pickled, units, areas and categories as references
    # to the objects they inherited, so a plan arrives as drawn and its units keep their parents.
    from xinfang.demo.volume import writers

    gen = Generator(seed=4, now=dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC))
    plans = [gen.plan()[0] for _ in range(40)]
    writers.share(gen.shared_objects())
    try:
        back, ids = writers.loads(writers.dumps(plans, list(range(40))))
    finally:
        writers.unshare()
    assert ids == list(range(40))
    for a, b in zip(plans, back, strict=True):
        assert b.office is a.office and b.area is a.area and b.category is a.category
        assert (b.title, b.content, b.petitioner, b.received_at, b.query_code) == (
            a.title,
            a.content,
            a.petitioner,
            a.received_at,
            a.query_code,
        )
        assert [(s.action, s.at, s.unit) for s in b.steps] == [(s.action, s.at, s.unit) for s in a.steps]
        assert all(s.unit is t.unit for s, t in zip(a.steps, b.steps, strict=True))


def test_workers_option(personas):
    out = io.StringIO()
    call_command(
        "generate_petitions", "--count", "30", "--seed", "2", "--workers", "4", "--no-progress", stdout=out, stderr=out
    )
    assert Petition.objects.count() == 30  # SQLite (and a single batch): one writer
    with pytest.raises(Exception, match="workers"):
        call_command("generate_petitions", "--count", "3", "--workers", "0", stdout=out, stderr=out)
