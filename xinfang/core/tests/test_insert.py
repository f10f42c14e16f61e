"""core.insert writes the very row Model.save(force_insert=True) writes, for every model the services
insert through it (dates, datetimes, JSON, IPs, booleans, foreign keys, nullable columns)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.db import connection, models, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinfang.core.audit import audit_record, audit_verify
from xinfang.core.insert import insert, together
from xinfang.core.models import AuditChainHead, AuditEvent
from xinfang.deadlines.models import Deadline
from xinfang.petitions.models import Event, Petition, Representative
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db

VOLATILE = {"id", "created_at", "updated_at", "number", "query_code_hash", "hash"}


def _stored(model: type[models.Model], pk: int) -> dict[str, Any]:
    row = model._default_manager.filter(pk=pk).values().get()
    return {k: v for k, v in row.items() if k not in VOLATILE}


def _twins(obj: models.Model, **unique) -> tuple[int, int]:
    a, b = copy.copy(obj), copy.copy(obj)
    for twin in (a, b):
        twin.pk = None
        twin._state = models.base.ModelState()
        for field, value in unique.items():
            setattr(twin, field, value + ("-a" if twin is a else "-b"))
    insert(a)
    b.save(force_insert=True)
    assert a.pk and b.pk and a.pk != b.pk
    assert not a._state.adding and a._state.db == "default"
    return a.pk, b.pk


def test_rows_equal_those_save_writes(personas):
    reg = register(personas.clerk, headcount=6, representatives=[{"name": "代表甲", "phone": "13900000000"}])
    p = Petition.objects.get(pk=reg.petition.pk)
    p.accepted_at = timezone.now()
    p.assign_due_date = dt.date(2026, 12, 31)
    a, b = _twins(p, number="TWIN")
    assert _stored(Petition, a) == _stored(Petition, b)

    event = Event.objects.filter(petition=p).first()
    assert event is not None
    event.data = {"unit": 3, "名称": "住建局", "list": [1, "二", None], "due": "2026-12-01"}
    a, b = _twins(event)
    assert _stored(Event, a) == _stored(Event, b)
    assert Event.objects.get(pk=a).data == event.data

    deadline = Deadline.objects.filter(petition=p).first()
    assert deadline is not None
    deadline.due_override = dt.date(2027, 1, 8)
    deadline.closed_at = timezone.now()
    a, b = _twins(deadline, code="transfer")  # one open deadline per code and case
    assert {**_stored(Deadline, a), "code": ""} == {**_stored(Deadline, b), "code": ""}

    rep = Representative.objects.filter(petition=p).first()
    assert rep is not None
    a, b = _twins(rep)
    assert _stored(Representative, a) == _stored(Representative, b)


def test_audit_rows_keep_ip_and_json_and_the_chain(personas):
    from xinfang.core.audit import audit_verify

    e = audit_record(actor=personas.clerk, action="test.insert", ip="2001:db8::1", data={"a": [1, "二"], "b": None})
    stored = AuditEvent.objects.get(pk=e.pk)
    assert stored.ip == "2001:db8::1" and stored.data == {"a": [1, "二"], "b": None}
    assert stored.hash == e.hash and stored.actor_id == personas.clerk.pk
    assert audit_verify()[0]


def test_signals_are_sent_and_unsaved_relations_refused(personas):
    seen: list[tuple[Any, ...]] = []

    def before(sender, instance, **kw):
        seen.append(("pre", instance.pk))

    def after(sender, instance, created, **kw):
        seen.append(("post", created, instance.pk))

    pre_save.connect(before, sender=Event)
    post_save.connect(after, sender=Event)
    try:
        p = register(personas.clerk).petition
        e = insert(Event(petition=p, at=timezone.now(), action="note", actor_name="甲"))
    finally:
        pre_save.disconnect(before, sender=Event)
        post_save.disconnect(after, sender=Event)
    assert ("pre", None) in seen and ("post", True, e.pk) in seen
    with pytest.raises(ValueError, match="unsaved related object"):
        insert(Event(petition=Petition(), at=timezone.now(), action="note"))


@pytest.mark.postgres_only
def test_the_case_insert_is_not_parsed_again_by_the_driver(personas, monkeypatch):
    """psycopg caches a statement's placeholder parsing up to a number of parameters; the statement that
    inserts the case (68 columns) with its event, deadline and audit row (~115 parameters) is within the
    raised limit (core.apps), so registering a case does not parse it again."""
    from psycopg import _queries

    parsed = []
    for name in ("_query2pg_nocache", "_query2pg_client_nocache"):  # server- and client-side binding
        original = getattr(_queries, name)

        def counting(query, encoding, _original=original):
            parsed.append(query)
            return _original(query, encoding)

        monkeypatch.setattr(_queries, name, counting)
    register(personas.clerk)
    register(personas.clerk)
    assert not [q for q in parsed if b'INSERT INTO "petitions_petition"' in q]


def _event(petition: Petition, note: str) -> Event:
    return Event(petition=petition, at=timezone.now(), action="note", actor_name="甲", note=note)


def test_inserts_together_wait_for_the_next_statement_and_keep_their_order(personas):
    p = register(personas.clerk).petition
    before = Event.objects.filter(petition=p).count()
    with transaction.atomic(), together():
        first = insert(_event(p, "一"))
        second = insert(_event(p, "二"))
        if connection.vendor == "postgresql":
            assert first.pk is None and second.pk is None  # waiting
        # any other statement sends the waiting rows first, so it sees them
        assert Event.objects.filter(petition=p).count() == before + 2
        assert first.pk is not None and second.pk is not None
        third = insert(_event(p, "三"))
    assert third.pk is not None  # sent at the end of the block
    notes = list(Event.objects.filter(petition=p, action="note").order_by("id").values_list("note", flat=True))
    assert notes == ["一", "二", "三"]
    assert first.pk < second.pk < third.pk


def test_inserts_waiting_when_the_block_fails_are_not_written(personas):
    p = register(personas.clerk).petition
    with pytest.raises(RuntimeError, match="中途失败"), transaction.atomic(), together():
        insert(_event(p, "不应写入"))
        raise RuntimeError("中途失败")
    assert not Event.objects.filter(note="不应写入").exists()


@pytest.mark.postgres_only
def test_a_registration_writes_case_event_deadline_and_audit_in_one_statement(personas):
    """The number (with the case's key) in one statement, then the case, its event, its deadline and the
    audit record that seals them in one more."""
    register(personas.clerk)  # the office's first case of the year also creates its counter
    with CaptureQueriesContext(connection) as ctx:
        reg = register(personas.clerk)
    writes = [q["sql"] for q in ctx.captured_queries if "INSERT" in q["sql"] or "UPDATE" in q["sql"]]
    assert len(writes) == 2, writes
    assert writes[0].startswith('UPDATE "petitions_numbersequence"')
    assert 'INSERT INTO "petitions_petition"' in writes[1] and 'INSERT INTO "core_auditevent"' in writes[1]
    p = Petition.objects.get(pk=reg.petition.pk)
    assert p.number == reg.petition.number
    [event] = Event.objects.filter(petition=p)
    [deadline] = Deadline.objects.filter(petition=p)
    assert event.pk == reg.events[0].pk and deadline.pk == reg.deadlines[0].pk
    assert p.due_date == deadline.due_date
    audit = AuditEvent.objects.get(action="petition.register", target_id=str(p.pk))
    assert audit.data["number"] == p.number
    assert audit_verify()[0]


def test_the_first_audit_row_ever_is_written_with_the_rows_it_records(personas):
    """No chain head yet (a new database): the case and its rows still go in, and the chain starts."""
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    reg = register(personas.clerk)
    assert Petition.objects.filter(pk=reg.petition.pk).exists()
    assert Event.objects.filter(pk=reg.events[0].pk, petition=reg.petition).exists()
    assert Deadline.objects.filter(pk=reg.deadlines[0].pk, petition=reg.petition).exists()
    [audit] = AuditEvent.objects.all()
    assert audit.id == 1 and audit.action == "petition.register"
    assert audit_verify() == (True, 1, None, "")


@pytest.mark.postgres_only
def test_a_transition_writes_its_event_inside_the_audit_statement(personas):
    from xinfang.petitions import services
    from xinfang.petitions.tests.factories import advance

    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    with CaptureQueriesContext(connection) as ctx:
        services.petition_accept(actor=personas.handler, petition_id=p.pk)
    [statement] = [q["sql"] for q in ctx.captured_queries if 'INSERT INTO "petitions_event"' in q["sql"]]
    assert 'INSERT INTO "core_auditevent"' in statement
    event = Event.objects.filter(petition=p).latest("id")
    assert (event.action, event.from_status, event.to_status) == ("accept", "dispatched", "accepted")
    audit = AuditEvent.objects.latest("id")
    assert audit.action == "petition.accept" and audit.target_id == str(p.pk)
    assert audit_verify()[0]


@pytest.mark.postgres_only
def test_a_together_block_inside_another_adds_to_the_outer_one(personas):
    p = register(personas.clerk).petition
    with transaction.atomic(), together():
        outer = insert(_event(p, "外层"))
        with together():
            inner = insert(_event(p, "内层"))
        assert outer.pk is None and inner.pk is None  # the inner block's end sent nothing
        audit_record(actor="系统", action="test.nested", target=p)  # takes both into its statement
        assert outer.pk is not None and inner.pk is not None and inner.pk > outer.pk
    assert list(Event.objects.filter(petition=p, action="note").values_list("note", flat=True)) == ["外层", "内层"]
