"""The audit chain seals what each change wrote: timeline rows and stored documents; its signed anchors
find a chain rewritten from end to end."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from xinfang.core import anchor
from xinfang.core.audit import GENESIS, _digest, _row
from xinfang.core.audit_check import audit_verify
from xinfang.core.models import AuditChainHead, AuditEvent
from xinfang.documents.models import Document
from xinfang.petitions import bulk
from xinfang.petitions.models import Event
from xinfang.petitions.notices_docs import notice_issue
from xinfang.petitions.tests.factories import advance, register
from xinfang.petitions.tests.test_bulk_writer import plan_like_factory

pytestmark = pytest.mark.django_db


def _sql(query: str, params: list[str | int]) -> None:
    with connection.cursor() as cur:
        cur.execute(query, params)


def _fails(match: str) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify")
    assert exc.value.returncode == 1
    assert match in str(exc.value), str(exc.value)
    return str(exc.value)


def test_intact_case_with_timeline_and_document_verifies(personas, capsys):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    notice_issue(actor=personas.handler, petition_id=p.pk, kind="acceptance")
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "审计链完整" in out and "办理记录" in out


def test_altered_timeline_row_names_case_and_row(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    event = p.events.get(action="accept")
    _sql(f"UPDATE {Event._meta.db_table} SET public_text = %s WHERE id = %s", ["已办结，无需再来", event.pk])
    msg = _fails(p.number)
    assert f"办理记录 id={event.pk}" in msg and "被修改" in msg


def test_altered_event_data_is_found(personas):
    p = register(personas.clerk).petition
    event = p.events.get()
    _sql(f"UPDATE {Event._meta.db_table} SET data = %s WHERE id = %s", [json.dumps({"forged": 1}), event.pk])
    assert f"办理记录 id={event.pk}" in _fails(p.number)


def test_deleted_timeline_row_names_case(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    event = p.events.get(action="accept")
    _sql(f"DELETE FROM {Event._meta.db_table} WHERE id = %s", [event.pk])
    assert "已不存在（被删除）" in _fails(p.number)


def test_inserted_timeline_row_is_found(personas):
    p = register(personas.clerk).petition
    Event.objects.create(petition=p, at=p.received_at, action="note", note="补记：信访人已撤回")
    assert "没有审计记录封存" in _fails(p.number)


def test_deleted_audit_row_breaks_chain_and_names_the_case(personas):
    first = register(personas.clerk).petition
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    row = AuditEvent.objects.filter(action="petition.accept", target_id=str(p.pk)).get()
    _sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [row.pk])
    ok, _count, _broken, _reason = audit_verify()
    assert not ok
    msg = _fails("审计链被破坏")
    assert p.number in msg and "没有审计记录封存" in msg
    assert first.number not in msg


def test_document_bytes_altered_names_case(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    doc = notice_issue(actor=personas.handler, petition_id=p.pk, kind="acceptance")
    with open(doc.file.path, "r+b") as fh:
        content = bytearray(fh.read())
        content[-10] ^= 0xFF
        fh.seek(0)
        fh.write(bytes(content))
    msg = _fails(p.number)
    assert f"文书 id={doc.pk}" in msg and "文件内容" in msg


def test_document_checksum_rewritten_with_bytes_is_found(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    doc = notice_issue(actor=personas.handler, petition_id=p.pk, kind="acceptance")
    Document.objects.filter(pk=doc.pk).update(checksum="0" * 64)
    assert "校验值" in _fails(p.number)


def test_deleted_document_row_is_found(personas):
    p = advance(register(personas.clerk).petition, "accepted", personas=personas)
    doc = notice_issue(actor=personas.handler, petition_id=p.pk, kind="acceptance")
    _sql(f"DELETE FROM {Document._meta.db_table} WHERE id = %s", [doc.pk])
    msg = _fails(p.number)
    assert f"文书 id={doc.pk}" in msg and "被删除" in msg


def test_bulk_written_cases_are_sealed(personas):
    result = bulk.bulk_write([plan_like_factory(personas) for _ in range(3)])
    assert audit_verify()[0]
    event = Event.objects.filter(petition_id=result.ids[1]).first()
    assert event is not None
    _sql(f"UPDATE {Event._meta.db_table} SET note = %s WHERE id = %s", ["改过", event.pk])
    assert f"办理记录 id={event.pk}" in _fails(event.petition.number)


def _rewrite_chain() -> None:
    """What someone with write access to the database can do: change a row and recompute every hash."""
    prev = GENESIS
    rows = list(AuditEvent.objects.order_by("id"))
    rows[0].data = {**rows[0].data, "channel": "forged"}
    for row in rows:
        row.prev_hash = prev
        row.hash = _digest(prev, _row(row))
        prev = row.hash
    AuditEvent.objects.all().delete()
    AuditEvent.objects.bulk_create(rows)
    AuditChainHead.objects.filter(id=1).update(last_hash=prev)


def test_rewritten_chain_is_found_only_against_the_anchors(personas, tmp_path, capsys):
    register(personas.clerk)
    register(personas.clerk)
    anchors = tmp_path / "anchors.jsonl"
    anchor.anchor_publish(path=anchors)
    register(personas.clerk)
    anchor.anchor_publish(path=anchors)
    call_command("audit_verify", "--anchors", str(anchors))
    assert "2 个锚点" in capsys.readouterr().out

    _rewrite_chain()
    call_command("audit_verify")  # internally consistent: the chain alone cannot tell
    with pytest.raises(CommandError, match="锚点不符"):
        call_command("audit_verify", "--anchors", str(anchors))


def test_edited_anchor_fails_its_signature(personas, tmp_path):
    register(personas.clerk)
    anchors = tmp_path / "anchors.jsonl"
    published = anchor.anchor_publish(path=anchors)
    forged = {**published, "last_hash": "f" * 64}
    anchors.write_text(json.dumps(forged) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="签名无效"):
        call_command("audit_verify", "--anchors", str(anchors))


def test_anchor_task_appends_and_sends_to_second_system(personas, tmp_path, settings, mailoutbox):
    from xinfang.core.tasks import publish_anchor

    settings.XINFANG_ANCHOR_FILE = tmp_path / "a.jsonl"
    settings.XINFANG_ANCHOR_EMAILS = ["anchor@archive.example.gov.cn"]
    register(personas.clerk)
    publish_anchor.enqueue()
    publish_anchor.enqueue()
    lines = settings.XINFANG_ANCHOR_FILE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    head = AuditChainHead.objects.get(id=1)
    assert json.loads(lines[-1])["last_hash"] == head.last_hash
    assert len(mailoutbox) == 2 and head.last_hash in mailoutbox[0].body
