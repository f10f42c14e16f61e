"""Append to the audit chain, and verify it."""

from __future__ import annotations

import hashlib
import json
import uuid
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


@transaction.atomic
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
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS, "last_id": 0}
    )
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
        data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
        prev_hash=head.last_hash,
        hash="pending-" + uuid.uuid4().hex,
    )
    # The id is part of the digest so a deleted row breaks the chain: insert, then seal.
    event.save(force_insert=True)
    event.hash = _digest(head.last_hash, _row(event))
    AuditEvent.objects.filter(pk=event.pk).update(hash=event.hash)
    head.last_hash = event.hash
    head.last_id = event.id
    head.save(update_fields=["last_hash", "last_id"])
    return event


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
