"""audit_seal_backfill: an upgraded database's timeline rows and documents, written before the audit chain
sealed anything, are sealed in batches so that audit_verify is clean, and tampering stays detectable."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from xinfang.core.audit import BACKFILL_ACTION, GENESIS, _digest, _row
from xinfang.core.audit_check import audit_verify
from xinfang.core.models import AuditChainHead, AuditEvent
from xinfang.documents.models import Document
from xinfang.petitions import services
from xinfang.petitions.models import Event
from xinfang.petitions.notices_docs import notice_issue
from xinfang.petitions.tests.factories import advance, register

pytestmark = pytest.mark.django_db


def _as_before_the_upgrade() -> None:
    """The chain as an older version wrote it: the same audit records, none sealing anything."""
    prev = GENESIS
    rows = list(AuditEvent.objects.order_by("id"))
    for row in rows:
        row.data = {k: v for k, v in row.data.items() if k != "seal"}
        row.prev_hash = prev
        row.hash = _digest(prev, _row(row))
        prev = row.hash
    AuditEvent.objects.all().delete()
    AuditEvent.objects.bulk_create(rows)
    AuditChainHead.objects.filter(id=1).update(last_hash=prev)


def _verify_fails() -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify")
    assert exc.value.returncode == 1
    return str(exc.value)


def _backfill(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    call_command("audit_seal_backfill", *args)
    out = capsys.readouterr()
    return {"summary": json.loads(out.out), "progress": out.err}


def _new_work(petition, personas) -> Event:
    """A change made by the new version, which seals what it writes."""
    services.petition_submit_reply(
        actor=personas.handler,
        petition_id=petition.pk,
        outcome="support",
        facts="经查属实",
        reasons="井盖破损",
        basis="《城市道路管理条例》",
        opinion="已更换井盖。",
    )
    event: Event = petition.events.order_by("-id").first()
    return event


@pytest.fixture
def old_database(personas):
    """Three cases with timelines and a notice, written before sealing existed."""
    cases = [advance(register(personas.clerk).petition, "accepted", personas=personas) for _ in range(3)]
    doc = notice_issue(actor=personas.handler, petition_id=cases[0].pk, kind="acceptance")
    _as_before_the_upgrade()
    return cases, doc


def test_unsealed_rows_are_reported_then_backfilled_in_batches(old_database, capsys):
    cases, doc = old_database
    msg = _verify_fails()
    assert "没有审计记录封存" in msg and cases[1].number in msg and f"文书 id={doc.pk}" in msg

    events = Event.objects.count()
    result = _backfill(capsys, "--batch-size", "4")
    summary = result["summary"]
    assert summary["kinds"]["events"]["sealed"] == events
    assert summary["kinds"]["events"]["batches"] == -(-events // 4)
    assert summary["kinds"]["documents"]["sealed"] == 1
    assert summary["refused"] == []
    assert "第 1 批" in result["progress"]
    records = AuditEvent.objects.filter(action=BACKFILL_ACTION)
    assert records.count() == summary["audit_records"]
    assert all(r.actor_id is None and "seal" in r.data for r in records)

    call_command("audit_verify")
    assert "审计链完整" in capsys.readouterr().out

    again = _backfill(capsys)["summary"]
    assert again["sealed"] == 0 and again["audit_records"] == 0
    assert AuditEvent.objects.filter(action=BACKFILL_ACTION).count() == summary["audit_records"]


def test_dry_run_writes_nothing(old_database, capsys):
    before = AuditEvent.objects.count()
    summary = _backfill(capsys, "--dry-run")["summary"]
    assert summary["dry_run"] and summary["sealed"] > 0
    assert AuditEvent.objects.count() == before
    _verify_fails()


def test_a_backfilled_row_altered_afterwards_is_detected(old_database, capsys):
    cases, doc = old_database
    _backfill(capsys)
    event = cases[2].events.get(action="accept")
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {Event._meta.db_table} SET note = %s WHERE id = %s", ["改过的意见", event.pk])
    msg = _verify_fails()
    assert cases[2].number in msg and f"办理记录 id={event.pk}" in msg and "被修改" in msg
    Document.objects.filter(pk=doc.pk).update(checksum="0" * 64)
    assert "校验值" in _verify_fails()


def test_new_work_after_the_upgrade_is_sealed_and_the_rest_backfilled(old_database, personas, capsys):
    cases, _doc = old_database
    _new_work(cases[0], personas)
    summary = _backfill(capsys)["summary"]
    assert summary["refused"] == []
    call_command("audit_verify")


def test_row_inserted_after_sealing_began_is_refused(old_database, personas, capsys):
    cases, _doc = old_database
    register(personas.clerk)  # sealing began
    forged = Event.objects.create(petition=cases[1], at=cases[1].received_at, action="note", note="补记：已撤回")
    with pytest.raises(CommandError) as exc:
        call_command("audit_seal_backfill")
    assert exc.value.returncode == 1
    assert f"办理记录 id={forged.pk}" in str(exc.value) and "疑被插入" in str(exc.value)
    msg = _verify_fails()  # the old rows are sealed; the inserted one is still reported
    assert f"办理记录 id={forged.pk}" in msg and msg.count("没有审计记录封存") == 1

    call_command("audit_seal_backfill", "--include-later")  # after a person has checked it
    call_command("audit_verify")


def test_case_with_an_altered_sealed_row_is_not_backfilled(old_database, personas, capsys):
    cases, _doc = old_database
    sealed_event = _new_work(cases[0], personas)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {Event._meta.db_table} SET note = %s WHERE id = %s", ["改过", sealed_event.pk])
    with pytest.raises(CommandError) as exc:
        call_command("audit_seal_backfill")
    assert cases[0].number in str(exc.value) and "被修改或删除" in str(exc.value)
    # the other cases were sealed; the altered one is still found
    msg = _verify_fails()
    assert cases[0].number in msg and cases[1].number not in msg


def test_document_whose_bytes_differ_from_its_checksum_is_refused(old_database, capsys):
    _cases, doc = old_database
    with open(doc.file.path, "r+b") as fh:
        fh.seek(0)
        fh.write(b"%PDF-forged")
    with pytest.raises(CommandError, match="文件内容与其校验值不符"):
        call_command("audit_seal_backfill")
    assert f"文书 id={doc.pk}" in _verify_fails()


def test_intact_database_needs_no_backfill(personas, capsys):
    advance(register(personas.clerk).petition, "accepted", personas=personas)
    summary = _backfill(capsys)["summary"]
    assert summary["sealed"] == 0
    assert audit_verify()[0]
