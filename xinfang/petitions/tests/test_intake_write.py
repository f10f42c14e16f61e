"""A new case's first event, limit and audit record: on PostgreSQL two statements of their own
(petitions.intake_write), elsewhere the ORM. Both must write the same rows and keep one verifiable chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from xinfang.core import audit as core_audit
from xinfang.core.audit_check import audit_verify
from xinfang.core.models import AuditChainHead, AuditEvent
from xinfang.petitions import intake_write
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Event, Petition
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db

# What differs between two registrations of the same input: keys, times, the case's own key and number.
_EVENT_OWN = {"id", "petition", "at"}
_DEADLINE_OWN = {"id", "petition", "created_at", "closed_at"}
_AUDIT_OWN = {"id", "at", "target_id", "data", "prev_hash", "hash"}


def _rows(petition_id: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    event = Event.objects.get(petition_id=petition_id)
    deadline = Deadline.objects.get(petition_id=petition_id)
    audit = AuditEvent.objects.get(target_type="petitions.petition", target_id=str(petition_id))

    number = Petition.objects.get(pk=petition_id).number

    def values(obj: Any, own: set[str]) -> dict[str, Any]:
        return {
            k: v.replace(number, "<编号>") if isinstance(v, str) else v
            for k, v in model_to_dict(obj).items()
            if k not in own
        }

    return values(event, _EVENT_OWN), values(deadline, _DEADLINE_OWN), values(audit, _AUDIT_OWN)


def _by_orm(monkeypatch, reg_actor, **kw):
    """The same registration through the ORM path, whatever the database."""

    def orm_only(*, event, deadline, audit):
        intake_write._by_orm(event, deadline, audit)

    with monkeypatch.context() as m:
        m.setattr(intake_write, "first_rows", orm_only)
        return register(reg_actor, **kw)


def test_both_paths_write_the_same_rows_and_one_chain(personas, monkeypatch):
    first = register(personas.clerk)  # the chain's first row: the head is made on the way
    orm = _by_orm(monkeypatch, personas.clerk)
    batched = register(personas.clerk)
    assert _rows(orm.petition.pk) == _rows(batched.petition.pk) == _rows(first.petition.pk)
    # The objects the answer is built from are the rows as stored.
    for reg in (first, orm, batched):
        (event,), (deadline,) = reg.events, reg.deadlines
        assert model_to_dict(event) == model_to_dict(Event.objects.get(pk=event.pk))
        assert model_to_dict(deadline) == model_to_dict(Deadline.objects.get(pk=deadline.pk))
        assert not event._state.adding and not deadline._state.adding
    audits = AuditEvent.objects.order_by("id")
    registered = audits.filter(action="petition.register").values_list("target_id", flat=True)
    assert list(registered) == [str(r.petition.pk) for r in (first, orm, batched)]
    ids = list(audits.values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # gap-free
    head = AuditChainHead.objects.get(id=1)
    assert head.last_id == ids[-1]
    ok, *_ = audit_verify()
    assert ok


@pytest.mark.postgres_only
def test_on_postgresql_the_three_rows_are_two_statements(personas):
    register(personas.clerk)  # the head exists from here on
    with CaptureQueriesContext(connection) as ctx:
        reg = register(personas.clerk)
    inserts = [q["sql"] for q in ctx.captured_queries if "petitions_event" in q["sql"] or "core_audit" in q["sql"]]
    assert len(inserts) == 2, inserts
    assert inserts[0].startswith("WITH e AS (INSERT INTO") and "FOR UPDATE" in inserts[0]
    assert inserts[1].startswith("WITH a AS (INSERT INTO")
    assert Event.objects.filter(petition=reg.petition).count() == 1
    assert Deadline.objects.filter(petition=reg.petition, code="transfer", status="open").count() == 1


def test_a_failed_audit_append_leaves_no_case_event_or_limit(personas, monkeypatch):
    """The rows go in with the case or not at all: a failure in the audit step rolls the registration back."""

    def counts():
        return [m.objects.count() for m in (Petition, Event, Deadline, AuditEvent)]

    before = counts()

    def broken(event, *, last_id, last_hash):
        raise RuntimeError("审计链不可用")

    monkeypatch.setattr(intake_write, "audit_chain", broken)  # the PostgreSQL path
    monkeypatch.setattr(core_audit, "audit_chain", broken)  # the ORM's (core.audit.audit_append)
    with pytest.raises(RuntimeError):
        register(personas.clerk)
    assert counts() == before


def test_the_chain_s_first_row_comes_from_a_registration(personas):
    """A database whose chain is empty (no head yet): the head is made, the row is the chain's first."""
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    reg = register(personas.clerk)
    (row,) = AuditEvent.objects.all()
    assert (row.id, row.target_id, row.prev_hash) == (1, str(reg.petition.pk), "0" * 64)
    assert AuditChainHead.objects.get(id=1).last_hash == row.hash
    register(personas.clerk)
    assert list(AuditEvent.objects.values_list("id", flat=True).order_by("id")) == [1, 2]
    assert audit_verify()[0]
