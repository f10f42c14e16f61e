"""Append to the audit chain, and verify it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .insert import insert
from .middleware import current_ip
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _digest(prev_hash: str, row: dict[str, Any]) -> str:
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "unit": event.unit_id_snapshot,
        "ip": event.ip,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
    }


def audit_record(
    *,
    actor: Any = None,
    action: str,
    target: Any = None,
    target_type: str = "",
    target_id: str = "",
    unit_id: int | None = None,
    ip: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one sealed row: three statements (lock the head, insert, move the head).

    The head row is locked until the caller's transaction commits, so callers write their audit record
    last: the lock is then held only from here to the commit. Ids come from the head (last_id + 1), not
    from the table's sequence: the head is locked, so they are gap-free and known before the insert,
    and the row is inserted already sealed."""
    # No savepoint of our own: a failure here fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Statements built once (every state change of the system ends here; the ORM's compiling of
        # them cost more than running them); the row goes in through core.insert.
        sql = _statements()
        cursor.execute(sql.lock_head)
        head = cursor.fetchone()
        if head is None:
            AuditChainHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS, "last_id": 0})
            cursor.execute(sql.lock_head)
            head = cursor.fetchone()
        last_hash, last_id = head
        if target is not None:
            target_type = target_type or target._meta.label_lower
            target_id = target_id or str(target.pk)
        actor_obj = actor if getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            id=last_id + 1,
            at=timezone.now().replace(microsecond=0),
            actor=actor_obj,
            actor_label=(actor_obj.get_full_name() or actor_obj.username) if actor_obj else str(actor or "系统"),
            unit_id_snapshot=unit_id,
            ip=ip or current_ip.get(),
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            prev_hash=last_hash,
        )
        # The id is part of the digest, so a deleted row breaks the chain.
        event.hash = _digest(last_hash, _row(event))
        insert(event)
        cursor.execute(sql.move_head, [event.hash, event.id])
    return event


@dataclass(frozen=True)
class _Statements:
    lock_head: str
    move_head: str


@lru_cache(maxsize=1)
def _statements() -> _Statements:
    qn = connection.ops.quote_name
    head = qn(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: the write lock
    return _Statements(
        lock_head=f"SELECT last_hash, last_id FROM {head} WHERE id = 1{lock}",  # noqa: S608
        move_head=f"UPDATE {head} SET last_hash = %s, last_id = %s WHERE id = 1",  # noqa: S608
    )


def audit_verify() -> tuple[bool, int, AuditEvent | None, str]:
    """Walk the chain in id order. Returns (ok, rows checked, first broken row, reason)."""
    prev = GENESIS
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != prev:
            return False, count, event, "前一条记录的哈希不符（有记录被删除或篡改）"
        if _digest(prev, _row(event)) != event.hash:
            return False, count, event, "记录内容与哈希不符（记录被修改）"
        prev = event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    if head and head.last_hash != prev:
        return False, count, None, "链尾与最后一条记录不符（末尾记录被删除）"
    return True, count, None, ""
