"""Append to the audit chain, and verify it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from django.db import connection, transaction
from django.utils import timezone

from .insert import insert, prepared_values, saved, take_waiting
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


def _canonical_around_id(row: dict[str, Any]) -> tuple[str, str]:
    """`_digest`'s canonical text of `row` (without "id") as the parts before and after the id's digits:
    prefix + str(id) + suffix == the canonical text of the row with that id. Keys are sorted, so the top
    level "id" sits between "data" and "ip"; both sides always hold keys."""
    dumps = json.dumps
    opts: dict[str, Any] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":"), "default": str}
    before = dumps({k: v for k, v in row.items() if k < "id"}, **opts)
    after = dumps({k: v for k, v in row.items() if k > "id"}, **opts)
    return before[:-1] + ',"id":', "," + after[1:]


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

    The head row is locked until the caller's transaction commits, so callers write their audit record
    last: the lock is then held only from here to the commit. Ids come from the head (last_id + 1), not
    from the table's sequence: the head is locked, so they are gap-free and known before the insert,
    and the row is inserted already sealed. On PostgreSQL the lock, the sealed row and the head's move
    are one statement (the digest computed by the server's sha256 over the same canonical text
    `audit_verify` checks); elsewhere three."""
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
    )
    # No savepoint of our own: a failure here fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Statements built once (every state change of the system ends here; the ORM's compiling of
        # them cost more than running them).
        sql = _statements()
        if sql.append:
            _append(cursor, sql, event)
            return event
        cursor.execute(sql.lock_head)
        head = cursor.fetchone()
        if head is None:
            AuditChainHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS, "last_id": 0})
            cursor.execute(sql.lock_head)
            head = cursor.fetchone()
        last_hash, last_id = head
        event.id, event.prev_hash = last_id + 1, last_hash
        # The id is part of the digest, so a deleted row breaks the chain.
        event.hash = _digest(last_hash, _row(event))
        insert(event)
        cursor.execute(sql.move_head, [event.hash, event.id])
    return event


def _append(cursor: Any, sql: _Statements, event: AuditEvent) -> None:
    values = prepared_values(event, sql.fields, connection)
    prefix, suffix = _canonical_around_id(_row(event))
    # Inserts waiting in a core.insert.together() block (the case's event and deadline…) go in this
    # statement too, ahead of the row that records them.
    waiting = take_waiting(connection.alias)
    ctes, params, first = [sql.append], [prefix, suffix, *values], "1"
    if waiting is not None:
        ctes, params = [*waiting.ctes, sql.append], [*waiting.params, *params]
        first = ", ".join(waiting.returning)
    cursor.execute(f"WITH {', '.join(ctes)} {sql.append_select.format(first=first)}", params)
    row = cursor.fetchone()
    if waiting is not None:
        waiting.done(row[3:])
    if row[0] is None:  # no head yet (the chain's first row): nothing was appended
        AuditChainHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS, "last_id": 0})
        cursor.execute(f"WITH {sql.append} {sql.append_select.format(first='1')}", [prefix, suffix, *values])
        row = cursor.fetchone()
    event.id, event.prev_hash, event.hash = row[:3]
    saved(event, connection.alias)


@dataclass(frozen=True)
class _Statements:
    lock_head: str
    move_head: str
    append: str  # PostgreSQL: lock, sealed row and move, as common table expressions ("" elsewhere)
    append_select: str  # the statement's end: the new row's id, prev_hash and hash, then the values {first}
    fields: list[Any]  # the row's columns that `append` takes as parameters, in order


@lru_cache(maxsize=1)
def _statements() -> _Statements:
    qn = connection.ops.quote_name
    head = qn(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: the write lock
    append, fields = "", []
    if connection.vendor == "postgresql":
        sealed = {"id", "prev_hash", "hash"}
        fields = [f for f in AuditEvent._meta.concrete_fields if f.attname not in sealed]
        columns = ", ".join(qn(cast(str, f.column)) for f in fields)  # concrete: never None
        # Each value cast to its column's type: in INSERT … SELECT an untyped parameter would be text.
        values = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
        digest = (
            "encode(sha256(convert_to(h.last_hash || %s::text || (h.last_id + 1)::text || %s::text, 'UTF8')), 'hex')"
        )
        # Waiting for the lock, READ COMMITTED gives the CTE the head as the previous writer left it, and
        # the UPDATE below follows that same new version.
        append = (
            f"h AS (SELECT last_hash, last_id FROM {head} WHERE id = 1 FOR UPDATE), "  # noqa: S608
            f"r AS (INSERT INTO {qn(AuditEvent._meta.db_table)} (id, prev_hash, hash, {columns}) "
            f"SELECT h.last_id + 1, h.last_hash, {digest}, {values} FROM h RETURNING id, prev_hash, hash), "
            f"m AS (UPDATE {head} SET last_hash = r.hash, last_id = r.id FROM r WHERE {head}.id = 1 "
            "RETURNING r.id, r.prev_hash, r.hash)"
        )
    return _Statements(
        lock_head=f"SELECT last_hash, last_id FROM {head} WHERE id = 1{lock}",  # noqa: S608
        move_head=f"UPDATE {head} SET last_hash = %s, last_id = %s WHERE id = 1",  # noqa: S608
        append=append,
        # One row always, even without a head (then the first three are NULL), so the values of what
        # else the statement inserted come back. The left side of the join is computed first: the other
        # inserts (whose values it selects) run before the head is locked, which then stays locked only
        # for the audit row, the head's move and the commit.
        append_select="SELECT m.id, m.prev_hash, m.hash, w.* FROM (SELECT {first}) AS w LEFT JOIN m ON true",
        fields=fields,
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
