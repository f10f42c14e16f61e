"""A new case's first rows after the case itself: its first timeline event, its first limit and its audit
record. On PostgreSQL they go in two statements instead of six; elsewhere through the ORM, one by one.

This is the one speed-up of registration kept after issue 14 took the hand-built intake out
(docs/performance.md, "Plain Django on the request path"): interleaved in one process at 100,000 cases it
takes a REST registration from 8.7 to 7.6 ms (0.87) and from 12 statements to 9. What it writes is
what the ORM path writes, row for row (`tests/test_intake_write.py` compares the two on PostgreSQL), and
the audit row is chained by `core.audit` (`audit_chain`, the digest in Python, as `audit_verify` checks).

PostgreSQL:
1. `WITH e AS (INSERT event RETURNING id), d AS (INSERT limit RETURNING id), h AS (SELECT the audit head
   FOR UPDATE) SELECT …`: the two rows and the head, locked until the commit as `audit_record` locks it.
2. `WITH a AS (INSERT audit row) UPDATE the head`.

Each INSERT is the one Django's own compiler makes for the unsaved object (`sql.InsertQuery`, the API
`QuerySet.bulk_create` and `Model.save` use inside): field conversion, `pre_save` and quoting are
Django's. There are no signals to miss: none is connected to these three models.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery

from xinfang.core.audit import audit_append, audit_chain, audit_head_locked
from xinfang.core.models import AuditChainHead, AuditEvent

from .deadlines.models import Deadline
from .models import Event


def first_rows(*, event: Event, deadline: Deadline, audit: AuditEvent) -> None:
    """Insert the unsaved event and limit (their keys set on them) and append `audit` to the chain. The
    caller's transaction holds the chain's head from here to its commit, so call this last but for what
    does not need the head (the messages)."""
    with transaction.atomic(savepoint=False):
        if connection.vendor != "postgresql":
            _by_orm(event, deadline, audit)
            return
        head = _table(AuditChainHead)
        sql_e, params_e = _insert(event, returning=True)
        sql_d, params_d = _insert(deadline, returning=True)
        with connection.cursor() as cursor:
            cursor.execute(
                # Django's own compiled INSERTs and a quoted table name; every value is a parameter.
                f"WITH e AS ({sql_e}), d AS ({sql_d}), "  # noqa: S608
                f"h AS (SELECT last_id, last_hash FROM {head} WHERE id = 1 FOR UPDATE) "
                "SELECT (SELECT id FROM e), (SELECT id FROM d), (SELECT last_id FROM h), (SELECT last_hash FROM h)",
                params_e + params_d,
            )
            event_id, deadline_id, last_id, last_hash = cursor.fetchone()
        _saved(event, event_id)
        _saved(deadline, deadline_id)
        if last_id is None:  # the chain's very first row: the head is made (and locked) the ORM's way
            head_row = audit_head_locked()
            last_id, last_hash = head_row.last_id, head_row.last_hash
        audit_chain(audit, last_id=last_id, last_hash=last_hash)
        sql_a, params_a = _insert(audit, returning=False)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH a AS ({sql_a}) UPDATE {head} SET last_id = %s, last_hash = %s WHERE id = 1",  # noqa: S608
                [*params_a, audit.id, audit.hash],
            )
        _saved(audit, audit.id)


def _by_orm(event: Event, deadline: Deadline, audit: AuditEvent) -> None:
    event.save(force_insert=True)
    deadline.save(force_insert=True)
    audit_append(audit)


def _insert(obj: Model, *, returning: bool) -> tuple[str, list[Any]]:
    """The INSERT that `obj.save(force_insert=True)` would send: every concrete field, the key too when it
    is set, RETURNING the key when asked."""
    meta = obj._meta
    fields = [f for f in meta.local_concrete_fields if not (f.primary_key and obj.pk is None)]
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(connection=connection)
    if returning:
        compiler.returning_fields = [meta.pk]
    ((sql, params),) = compiler.as_sql()
    return sql, list(params)


def _saved(obj: Model, pk: Any) -> None:
    """The object as `save()` leaves it: its key, and no longer "adding"."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)
