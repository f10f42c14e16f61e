"""The tamper-evident record and key rotation."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from xinfang.core import crypto
from xinfang.core.audit import audit_record
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
