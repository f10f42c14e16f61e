"""Secondary indexes and foreign-key constraints dropped for a bulk load into (nearly) empty tables, and
built again after it.

Loading N rows into a table with k secondary indexes makes N × k insertions at random places of k
B-trees, each writing WAL; building an index after the load is one sorted pass over the table. Each
foreign key fires a check per inserted row (a lookup and a row lock in the referenced table: about 27 a
generated case); adding the constraint after the load checks every row in one join. The generator
(`generate_petitions`) uses this on PostgreSQL when it writes more cases than the table holds
(docs/performance.md). Only plain secondary indexes and the tables' own foreign keys are dropped:
primary keys, unique indexes and check constraints stay, so the load is checked as it goes, and the
references are checked when the constraints come back (a load that wrote a dangling reference cannot
get its constraint back: `restore` fails with PostgreSQL's message and the record stays).

Nothing is lost if the load dies. PostgreSQL's DDL is transactional: each definition (`pg_get_indexdef`,
`pg_get_constraintdef`) is recorded in `DeferredIndex` in the transaction that drops it, and the record
is deleted in the transaction that builds it again. Whatever a dead load leaves missing is listed there;
`manage.py restore_indexes` (and the next deferred load, before it drops anything) builds it, and the
database check `xinfang.demo.W001` (run by `migrate` and `check --database default`) reports it until then.
On other databases `deferred` does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connection, models, transaction

from xinfang.demo.models import DeferredIndex

Log = Callable[[str], None]

_SECONDARY = """
SELECT i.relname, t.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
WHERE t.oid IN (SELECT to_regclass(n) FROM unnest(%s::text[]) AS n)
  AND NOT x.indisprimary AND NOT x.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY t.relname, i.relname
"""


def secondary_indexes(tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """(index, table, CREATE INDEX statement) of the plain secondary indexes of `tables` (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(_SECONDARY, [list(tables)])
        return [(name, table, sql) for name, table, sql in cursor.fetchall()]


_FOREIGN_KEYS = """
SELECT c.conname, t.relname, pg_get_constraintdef(c.oid)
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
WHERE c.contype = 'f' AND t.oid IN (SELECT to_regclass(n) FROM unnest(%s::text[]) AS n)
ORDER BY t.relname, c.conname
"""


def foreign_keys(tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """(constraint, table, ALTER TABLE … ADD CONSTRAINT statement) of the foreign keys of `tables`."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(_FOREIGN_KEYS, [list(tables)])
        return [
            (name, table, f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            for name, table, definition in cursor.fetchall()
        ]


def _drop(tables: Sequence[str], *, constraints: bool = True) -> list[str]:
    qn = connection.ops.quote_name
    if connection.in_atomic_block:
        # ALTER TABLE refuses a table with pending deferred checks ("pending trigger events"): run them now.
        connection.check_constraints()
    with transaction.atomic(), connection.cursor() as cursor:
        found = secondary_indexes(tables)
        fks = foreign_keys(tables) if constraints else []
        DeferredIndex.objects.bulk_create(
            [DeferredIndex(name=name, table=table, definition=sql) for name, table, sql in found]
            + [
                DeferredIndex(name=name, table=table, kind=DeferredIndex.Kind.FOREIGN_KEY, definition=sql)
                for name, table, sql in fks
            ]
        )
        for name, _table, _sql in found:
            cursor.execute(f"DROP INDEX {qn(name)}")
        for name, table, _sql in fks:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
    return [name for name, _t, _s in found] + [name for name, _t, _s in fks]


# Indexes first: a foreign key's check after the load is a join that needs none of them, and queries get
# their indexes back sooner. ("index" sorts after "foreign_key".)
_ORDER = ("-kind", "table", "name")


def pending() -> list[DeferredIndex]:
    """The indexes and constraints a bulk load dropped and nobody has built again yet."""
    return list(DeferredIndex.objects.order_by(*_ORDER))


def _exists(cursor: Any, row: DeferredIndex) -> bool:
    if row.kind == DeferredIndex.Kind.FOREIGN_KEY:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = to_regclass(%s))",
            [row.name, connection.ops.quote_name(row.table)],
        )
    else:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [connection.ops.quote_name(row.name)])
    return bool(cursor.fetchone()[0])


class RestoreError(Exception):
    """Some recorded indexes or constraints could not be built again (a foreign key over a dangling
    reference, most likely); everything else was. `failures`: (table.name, PostgreSQL's message)."""

    def __init__(self, failures: list[tuple[str, str]]) -> None:
        self.failures = failures
        super().__init__("；".join(f"{label}：{reason}" for label, reason in failures))


def restore(*, log: Log = lambda _m: None) -> int:
    """Build every recorded index and constraint again, each in its own transaction (its record deleted in
    the same one); returns how many were built. Concurrent callers share the work (a record being built is
    skipped). One that fails keeps its record and does not stop the others; `RestoreError` then lists them."""
    if connection.vendor != "postgresql":
        return 0
    if connection.in_atomic_block:
        # Inside a caller's transaction (a test) rows written with deferred foreign-key checks would make
        # CREATE INDEX refuse ("pending trigger events"): run those checks now, as the commit would.
        connection.check_constraints()
    total = DeferredIndex.objects.count()
    built = 0
    failures: list[tuple[str, str]] = []
    failed: list[str] = []
    while True:
        t0 = time.monotonic()
        row: DeferredIndex | None = None
        try:
            with transaction.atomic():
                row = (
                    DeferredIndex.objects.select_for_update(skip_locked=True)
                    .exclude(name__in=failed)
                    .order_by(*_ORDER)
                    .first()
                )
                if row is None:
                    break
                label = str(row)  # before delete() clears the key
                what = "恢复外键约束" if row.kind == DeferredIndex.Kind.FOREIGN_KEY else "重建索引"
                with connection.cursor() as cursor:
                    if not _exists(cursor, row):
                        cursor.execute(row.definition)
                row.delete()
        except DatabaseError as exc:
            if row is None:  # the bookkeeping itself failed: nothing to skip
                raise
            failed.append(row.name)
            failures.append((label, " ".join(str(exc).split())))  # PostgreSQL's message and its DETAIL line
            log(f"{what}失败：{label}：{failures[-1][1]}")
            continue
        built += 1
        log(f"{what} {built}/{total}：{label}（{time.monotonic() - t0:.1f} 秒）")
    if failures:
        raise RestoreError(failures)
    return built


@contextmanager
def deferred(model_classes: Sequence[type[models.Model]], *, log: Log = lambda _m: None) -> Iterator[list[str]]:
    """Drop the secondary indexes and foreign keys of the models' tables for the block and build them again
    after it, also when the block fails. Yields the names of what was dropped (nothing outside PostgreSQL)."""
    if connection.vendor != "postgresql" or not model_classes:
        yield []
        return
    restore(log=log)  # what an earlier load that died left missing, before recording anything new
    names = _drop([m._meta.db_table for m in model_classes])
    log(f"载入期间暂时删除 {len(names)} 个次要索引和外键约束，载入后重建")
    try:
        yield names
    finally:
        restore(log=log)
