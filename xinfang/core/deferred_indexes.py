"""Secondary indexes dropped for a bulk load into (nearly) empty tables, and built again after it.

Loading N rows into a table with k secondary indexes makes N × k insertions at random places of k
B-trees, each writing WAL; building an index after the load is one sorted pass over the table. The
generator (`generate_petitions`) uses this on PostgreSQL when it writes more cases than the table
holds (docs/performance.md). Only plain secondary indexes are dropped: primary keys, unique indexes
and indexes behind a constraint stay, so the load is checked as it goes.

Nothing is lost if the load dies. PostgreSQL's DDL is transactional: each index's definition
(`pg_get_indexdef`) is recorded in `DeferredIndex` in the transaction that drops it, and the record is
deleted in the transaction that builds it again. Whatever a dead load leaves missing is listed there;
`manage.py restore_indexes` (and the next deferred load, before it drops anything) builds it, and the
database check `xinfang.core.W001` (run by `migrate` and `check --database default`) reports it until then.
On other databases `deferred` does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models, transaction

from xinfang.core.models import DeferredIndex

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


def _drop(tables: Sequence[str]) -> list[str]:
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        found = secondary_indexes(tables)
        DeferredIndex.objects.bulk_create(
            [DeferredIndex(name=name, table=table, definition=sql) for name, table, sql in found]
        )
        for name, _table, _sql in found:
            cursor.execute(f"DROP INDEX {qn(name)}")
    return [name for name, _t, _s in found]


def pending() -> list[DeferredIndex]:
    """The indexes a bulk load dropped and nobody has built again yet."""
    return list(DeferredIndex.objects.order_by("table", "name"))


def restore(*, log: Log = lambda _m: None) -> int:
    """Build every recorded index again, each in its own transaction (its record deleted in the same one);
    returns how many were built. Concurrent callers share the work (a record being built is skipped)."""
    if connection.vendor != "postgresql":
        return 0
    if connection.in_atomic_block:
        # Inside a caller's transaction (a test) rows written with deferred foreign-key checks would make
        # CREATE INDEX refuse ("pending trigger events"): run those checks now, as the commit would.
        connection.check_constraints()
    total = DeferredIndex.objects.count()
    built = 0
    while True:
        with transaction.atomic():
            row = DeferredIndex.objects.select_for_update(skip_locked=True).order_by("table", "name").first()
            if row is None:
                return built
            t0 = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [connection.ops.quote_name(row.name)])
                if not cursor.fetchone()[0]:
                    cursor.execute(row.definition)
            label = str(row)  # before delete() clears the key
            row.delete()
        built += 1
        log(f"重建索引 {built}/{total}：{label}（{time.monotonic() - t0:.1f} 秒）")


@contextmanager
def deferred(model_classes: Sequence[type[models.Model]], *, log: Log = lambda _m: None) -> Iterator[list[str]]:
    """Drop the secondary indexes of the models' tables for the block and build them again after it,
    also when the block fails. Yields the names of the dropped indexes (none outside PostgreSQL)."""
    if connection.vendor != "postgresql" or not model_classes:
        yield []
        return
    restore(log=log)  # what an earlier load that died left missing, before recording anything new
    names = _drop([m._meta.db_table for m in model_classes])
    log(f"载入期间暂时删除 {len(names)} 个次要索引，载入后重建")
    try:
        yield names
    finally:
        restore(log=log)
