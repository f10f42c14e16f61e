"""The tamper-evident record and key rotation."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from xinfang.core import crypto
from xinfang.core.audit import audit_record
from xinfang.core.audit_check import audit_verify
from xinfang.core.models import AuditEvent
from xinfang.petitions.models import Petition
from xinfang.petitions.services import petition_find_by_query_code
from xinfang.petitions.tests.factories import VALID_ID, register

pytestmark = pytest.mark.django_db


def _chain(n: int = 5) -> list[AuditEvent]:
    return [audit_record(actor="系统", action="test.event", data={"i": i}) for i in range(n)]


def test_audit_verify_passes_on_intact_data(capsys):
    _chain()
    call_command("audit_verify")
    assert "审计链完整" in capsys.readouterr().out


def test_audit_verify_fails_after_sql_update():
    events = _chain()
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditEvent._meta.db_table} SET action = 'forged' WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError, match=f"id={events[2].pk}") as exc:
        call_command("audit_verify")
    assert exc.value.returncode == 1


def test_audit_verify_fails_after_sql_delete():
    events = _chain()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=f"id={events[2].pk}"):
        call_command("audit_verify")


def test_audit_verify_detects_deleted_tail():
    events = _chain()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[-1].pk])
    with pytest.raises(CommandError, match="链尾"):
        call_command("audit_verify")


def test_key_rotation_reencrypts_and_keeps_lookups(personas, settings, monkeypatch):
    reg = register(personas.clerk)
    old_key = settings.XINFANG_FIELD_KEY
    index = settings.XINFANG_INDEX_KEY
    old_token = Petition.objects.get().id_number_enc
    new_key = crypto.generate_key()
    settings.XINFANG_FIELD_KEY = new_key
    monkeypatch.setenv("XINFANG_FIELD_OLD_KEYS", old_key)
    monkeypatch.setenv("XINFANG_INDEX_KEY", index)
    call_command("rotate_field_key")
    p = Petition.objects.get()
    assert p.id_number_enc != old_token and not crypto.needs_rotation(p.id_number_enc)
    monkeypatch.setenv("XINFANG_FIELD_OLD_KEYS", "")
    assert crypto.decrypt(p.id_number_enc) == VALID_ID
    assert petition_find_by_query_code(number=p.number, code=reg.query_code) == p


def test_rotation_refuses_without_fixed_index_key(monkeypatch, settings):
    settings.XINFANG_INDEX_KEY = ""
    monkeypatch.delenv("XINFANG_INDEX_KEY", raising=False)
    with pytest.raises(CommandError) as exc:
        call_command("rotate_field_key")
    assert exc.value.returncode == 2


def test_concurrent_appends_keep_one_chain_in_order(transactional_db):
    """Writers appending at once wait for the head in turn: ids 1..n without gaps, each row sealed on the
    one before it (the head row is locked with select_for_update, then the row inserted)."""
    if connection.vendor == "sqlite":
        pytest.skip("one writer at a time on SQLite")
    errors: list[BaseException] = []
    barrier = threading.Barrier(12)

    def append(i: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                audit_record(actor="系统", action="test.concurrent", data={"i": i, "文本": "并发"})
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = list(AuditEvent.objects.filter(action="test.concurrent").order_by("id"))
    assert len(rows) == 12 and sorted(r.data["i"] for r in rows) == list(range(12))
    ok, checked, broken, reason = audit_verify()
    assert ok, reason
    assert checked == AuditEvent.objects.count() and broken is None
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert ids == list(range(1, len(ids) + 1))
