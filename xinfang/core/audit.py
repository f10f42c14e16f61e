"""Append to the audit chain, and verify it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, Required, TypedDict, Unpack

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


class AuditFields(TypedDict, total=False):
    """What an audit row says: who (`actor`: a user, or a label such as "系统"), what (`action`), on what
    (`target`, or `target_type` and `target_id`), from which unit and address, with what `data` and `seal`."""

    actor: Any
    action: Required[str]
    target: Any
    target_type: str
    target_id: str
    unit_id: int | None
    ip: str | None
    data: dict[str, Any] | None
    seal: dict[str, dict[str, Any]] | None


def audit_record(**fields: Unpack[AuditFields]) -> AuditEvent:
    """Append one sealed row.

    The chain's head row is locked (`select_for_update`) until the caller's transaction commits, so
    callers write their audit record last: the lock is then held only from here to the commit. Ids come
    from the head (last_id + 1), not from the table's sequence: the head is locked, so they are gap-free
    and known before the insert, and the row goes in already sealed. The digest is `_digest`, the same
    function `audit_verify` checks with, on every database.

    `seal` is what the change wrote elsewhere, by kind (see `register_seal_kind`): e.g. the digests of
    the timeline events of a case (`{"events": {"<case id>": ["<digest>", …]}}`) or a stored document's
    checksum (`{"documents": {"<id>": "<sha256>"}}`). It is kept in `data["seal"]` and so covered by this
    row's hash: `audit_verify` finds a sealed row changed or deleted, and a row that no audit record seals."""
    return audit_append(audit_draft(**fields))


def audit_append(event: AuditEvent) -> AuditEvent:
    """Chain and insert a row made by `audit_draft`, and move the head (locked until the commit)."""
    # No savepoint of our own: a failure here fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        head = audit_head_locked()
        audit_chain(event, last_id=head.last_id, last_hash=head.last_hash)
        event.save(force_insert=True)
        head.last_id, head.last_hash = event.id, event.hash
        head.save(update_fields=["last_id", "last_hash"])
    return event


def audit_draft(**fields: Unpack[AuditFields]) -> AuditEvent:
    """The row `audit_record` appends, unsaved and not yet chained (no id, no hash)."""
    target, target_type, target_id = fields.get("target"), fields.get("target_type", ""), fields.get("target_id", "")
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    actor = fields.get("actor")
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    seal = fields.get("seal")
    return AuditEvent(
        at=timezone.now().replace(microsecond=0),
        actor=actor_obj,
        actor_label=(actor_obj.get_full_name() or actor_obj.username) if actor_obj else str(actor or "系统"),
        unit_id_snapshot=fields.get("unit_id"),
        ip=fields.get("ip") or current_ip.get(),
        action=fields["action"],
        target_type=target_type,
        target_id=str(target_id),
        # as stored and read back (JSON), so the digest is over what audit_verify will read
        data=json.loads(
            json.dumps(
                {**(fields.get("data") or {}), **({"seal": seal} if seal else {})}, ensure_ascii=False, default=str
            )
        ),
    )


def audit_chain(event: AuditEvent, *, last_id: int, last_hash: str) -> None:
    """Link an unsaved row to the chain's head, read locked by the caller: its id, the previous hash and
    its own digest (the id is part of it, so a deleted row breaks the chain)."""
    event.id, event.prev_hash = last_id + 1, last_hash
    event.hash = _digest(last_hash, _row(event))


def audit_head_locked() -> AuditChainHead:
    """The chain's head, locked until the transaction ends (SQLite: the write transaction's lock)."""
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:  # the chain's first row: make the head (a concurrent first writer may win), then lock it
        AuditChainHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS, "last_id": 0})
        head = AuditChainHead.objects.select_for_update().get(id=1)
    return head


def chain_walk(
    on_row: Callable[[AuditEvent], None] | None = None,
) -> tuple[int, AuditEvent | None, str]:
    """Walk the chain in id order (every row, past a break: what the rows seal is still read). Returns
    (rows checked, first broken row, reason)."""
    prev = GENESIS
    count = 0
    broken: AuditEvent | None = None
    reason = ""
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if broken is None:
            if event.prev_hash != prev:
                broken, reason = event, "前一条记录的哈希不符（有记录被删除或篡改）"
            elif _digest(prev, _row(event)) != event.hash:
                broken, reason = event, "记录内容与哈希不符（记录被修改）"
        if on_row is not None:
            on_row(event)
        prev = event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    if broken is None and head and head.last_hash != prev:
        reason = "链尾与最后一条记录不符（末尾记录被删除）"
    return count, broken, reason


# ---------------------------------------------------------------- what audit records seal, by kind


class SealKind(Protocol):
    """The checker of one kind of sealed rows (registered by the app that owns them, from ready()):
    `add` is given each sealed entry as `audit_verify` walks the chain, then `problems` compares them with
    the rows as they are now: a row changed, deleted, or present without any record sealing it."""

    def add(self, audit_id: int, key: str, value: Any) -> None: ...

    def problems(self) -> Iterator[Problem]: ...


@dataclass(frozen=True)
class Problem:
    """One finding of `audit_verify`: the case (or other owner) it concerns, the row, and what is wrong."""

    subject: str
    row: str
    reason: str

    def __str__(self) -> str:
        return f"{self.subject}：{self.row}：{self.reason}"


_seal_kinds: dict[str, Callable[[], SealKind]] = {}


def register_seal_kind(name: str, factory: Callable[[], SealKind]) -> None:
    """`name` is the key under `audit_record(seal=...)`; `factory` makes a fresh checker per verification."""
    _seal_kinds[name] = factory


def seal_kinds() -> dict[str, Callable[[], SealKind]]:
    return dict(_seal_kinds)


@dataclass(frozen=True)
class Unsealed:
    """One row that no audit record seals yet, as `audit_seal_backfill` seals it: the entry's key and value
    under its kind (a list is merged with the batch's list of the same key), and how many rows it is."""

    key: str
    value: Any
    rows: int = 1


# (include_later) -> the rows to seal, and the rows refused (a Problem: tampering suspected).
SealBackfill = Callable[[bool], Iterator["Unsealed | Problem"]]
_seal_backfills: dict[str, SealBackfill] = {}


def register_seal_backfill(name: str, backfill: SealBackfill) -> None:
    """For an upgraded database: what of kind `name` no audit record seals yet (see core/audit_backfill.py).
    `include_later` False: only rows older than the first the application sealed itself."""
    _seal_backfills[name] = backfill


def seal_backfills() -> dict[str, SealBackfill]:
    return dict(_seal_backfills)


BACKFILL_ACTION = "audit.backfill"


def iter_seals(kind: str) -> Iterator[tuple[int, str, Any]]:
    """(audit id, key, value) of every entry of `kind` sealed in the chain, in chain order: for a checker
    that keeps only sums on its first pass and looks closer at the few cases that do not add up."""
    rows = AuditEvent.objects.filter(data__has_key="seal").order_by("id").values_list("id", "data")
    for audit_id, data in rows.iterator(chunk_size=500):
        for key, value in ((data.get("seal") or {}).get(kind) or {}).items():
            yield audit_id, key, value
