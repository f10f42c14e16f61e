"""Append to the audit chain, and verify it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

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
    """Append one sealed row.

    The chain's head row is locked (`select_for_update`) until the caller's transaction commits, so
    callers write their audit record last: the lock is then held only from here to the commit. Ids come
    from the head (last_id + 1), not from the table's sequence: the head is locked, so they are gap-free
    and known before the insert, and the row goes in already sealed. The digest is `_digest`, the same
    function `audit_verify` checks with, on every database."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=timezone.now().replace(microsecond=0),
        actor=actor_obj,
        actor_label=(actor_obj.get_full_name() or actor_obj.username) if actor_obj else str(actor or "系统"),
        unit_id_snapshot=unit_id,
        ip=ip or current_ip.get(),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        # as stored and read back (JSON), so the digest is over what audit_verify will read
        data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
    )
    # No savepoint of our own: a failure here fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        event.id, event.prev_hash = head.last_id + 1, head.last_hash
        # The id is part of the digest, so a deleted row breaks the chain.
        event.hash = _digest(head.last_hash, _row(event))
        event.save(force_insert=True)
        head.last_id, head.last_hash = event.id, event.hash
        head.save(update_fields=["last_id", "last_hash"])
    return event


def _locked_head() -> AuditChainHead:
    """The chain's head, locked until the transaction ends (SQLite: the write transaction's lock)."""
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:  # the chain's first row: make the head (a concurrent first writer may win), then lock it
        AuditChainHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS, "last_id": 0})
        head = AuditChainHead.objects.select_for_update().get(id=1)
    return head


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
