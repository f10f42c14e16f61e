"""`insert(obj)`: what `obj.save(force_insert=True)` does for a new row, with the INSERT statement built
once per model instead of compiled by the ORM on every call.

The services write a case, its timeline event and its deadline on every registration and every state
change; Django's insert compiler spends longer building those statements than the database spends
running them. Here the statement (columns, placeholders, RETURNING the key) is made once per model;
each call still prepares every value through its field (`pre_save`, then `get_db_prep_save`, as
`Model.save` does: auto_now dates, JSON, dates on SQLite), checks related objects are saved, and
sends `pre_save` / `post_save`. Models with parents (multi-table inheritance) take `save()` itself.
`xinfang/core/tests/test_insert.py` compares the stored rows with `save()`'s on every field type used.

`together()` (PostgreSQL, inside a transaction): the inserts of the block wait and reach the database
as one statement (`WITH q0 AS (INSERT …), q1 AS (INSERT …) SELECT …`), one round trip instead of one
each; `audit_record` takes the waiting ones into its own statement. Order is kept: any other statement
on the connection first sends what waits. An object's key is set once its row is sent (before that
`pk` is None unless it was set beforehand), and `post_save` is sent then.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.db import connections, models, router
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: list[models.Field]  # type: ignore[type-arg]
    returning: bool


_statements: dict[tuple[type[models.Model], str, bool], _Statement] = {}


def _statement(model: type[models.Model], connection: Any, with_pk: bool) -> _Statement:
    key = (model, connection.alias, with_pk)
    stmt = _statements.get(key)
    if stmt is None:
        meta = model._meta
        qn = connection.ops.quote_name
        fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
        columns = ", ".join(qn(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        returning = not with_pk and connection.features.can_return_columns_from_insert
        if returning:
            sql += f" RETURNING {qn(meta.pk.column)}"
        stmt = _statements[key] = _Statement(sql=sql, fields=fields, returning=returning)
    return stmt


def insert(obj: M) -> M:
    """Insert `obj` as a new row (its primary key, if unset, comes back from the database)."""
    model = type(obj)
    meta = model._meta
    if meta.parents:
        obj.save(force_insert=True)
        return obj
    using = router.db_for_write(model, instance=obj)
    connection = connections[using]
    with_pk = obj.pk is not None
    stmt = _statement(model, connection, with_pk)
    values = prepared_values(obj, stmt.fields, connection)
    batch = _batches.get(using)
    if batch is not None:
        batch.rows.append(_Waiting(obj, stmt, values))
        return obj
    with connection.cursor() as cursor:
        cursor.execute(stmt.sql, values)
        if not with_pk:
            if stmt.returning:
                pk = cursor.fetchone()[0]
            else:
                pk_column = cast(str, meta.pk.column)  # a primary key always has a column
                pk = connection.ops.last_insert_id(cursor, meta.db_table, pk_column)
            setattr(obj, meta.pk.attname, meta.pk.to_python(pk))
    saved(obj, using)
    return obj


def prepared_values(obj: models.Model, fields: Sequence[models.Field], connection: Any) -> list[Any]:  # type: ignore[type-arg]
    """What `save()` does before its INSERT: refuse unsaved related objects, send `pre_save`, and prepare
    each of `fields` for the database (`pre_save`, then `get_db_prep_save`)."""
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]  # private, not in the stubs
    pre_save.send(sender=type(obj), instance=obj, raw=False, using=connection.alias, update_fields=None)
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def saved(obj: models.Model, using: str) -> None:
    """What `save()` does after its INSERT: the instance is no longer new, and `post_save` is sent."""
    obj._state.adding = False
    obj._state.db = using
    post_save.send(sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=using)


# ---------------------------------------------------------------- together()


@dataclass
class _Waiting:
    obj: models.Model
    stmt: _Statement
    values: list[Any]


@dataclass
class _Batch:
    rows: list[_Waiting] = field(default_factory=list)
    sending: bool = False


class _Batches(threading.local):
    def __init__(self) -> None:
        self.by_alias: dict[str, _Batch] = {}

    def get(self, alias: str) -> _Batch | None:
        return self.by_alias.get(alias)


_batches = _Batches()


@dataclass(frozen=True)
class Waiting:
    """The inserts waiting in a `together()` block, as common table expressions for one statement."""

    ctes: list[str]  # "q0 AS (INSERT … RETURNING pk)", …
    params: list[Any]
    returning: list[str]  # "(SELECT pk FROM q0)", …: one value each, to hand to `done`
    done: Callable[[Sequence[Any]], None]


def take_waiting(using: str = "default") -> Waiting | None:
    """Hand the waiting inserts to a caller that sends them within its own statement (audit_record): it
    puts `ctes` first in its WITH, `params` first in its parameters, `returning` among the values its
    statement answers, and calls `done` with those values once it ran. None when nothing waits."""
    batch = _batches.get(using)
    if batch is None or not batch.rows:
        return None
    rows, batch.rows = batch.rows, []
    connection = connections[using]
    qn = connection.ops.quote_name
    ctes, params, returning = [], [], []
    for i, w in enumerate(rows):
        pk = qn(cast(str, w.obj._meta.pk.column))
        sql = w.stmt.sql.split(" RETURNING ", 1)[0]
        ctes.append(f"q{i} AS ({sql} RETURNING {pk})")
        params += w.values
        returning.append(f"(SELECT {pk} FROM q{i})")  # noqa: S608  (quoted names only)

    def done(pks: Sequence[Any]) -> None:
        for w, pk in zip(rows, pks, strict=True):
            meta = w.obj._meta
            if w.obj.pk is None:
                setattr(w.obj, meta.pk.attname, meta.pk.to_python(pk))
            saved(w.obj, using)

    return Waiting(ctes=ctes, params=params, returning=returning, done=done)


def send_waiting(using: str = "default") -> None:
    """Send what waits in the `together()` block now, as one statement."""
    batch = _batches.get(using)
    if batch is None or batch.sending:
        return
    waiting = take_waiting(using)
    if waiting is None:
        return
    batch.sending = True
    try:
        with connections[using].cursor() as cursor:
            cursor.execute(f"WITH {', '.join(waiting.ctes)} SELECT {', '.join(waiting.returning)}", waiting.params)
            waiting.done(cursor.fetchone())
    finally:
        batch.sending = False


@contextmanager
def together(using: str = "default") -> Iterator[None]:
    """Inserts in the block wait and go to the database as one statement: at the end of the block, before
    any other statement on the connection, or inside the audit record's statement. PostgreSQL, inside a
    transaction (what waits is lost with the block's exception, as the transaction will be); elsewhere
    each insert runs at once. A block inside another adds to the outer one's."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block or _batches.get(using) is not None:
        yield
        return
    batch = _batches.by_alias[using] = _Batch()

    def first_the_waiting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if batch.rows and not batch.sending:
            send_waiting(using)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(first_the_waiting):
            yield
            send_waiting(using)
    finally:
        del _batches.by_alias[using]


F = TypeVar("F", bound=Callable[..., Any])


def inserts_together(func: F) -> F:
    """Run `func` in a `together()` block (put it under `@transaction.atomic`)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with together():
            return func(*args, **kwargs)

    return cast(F, wrapper)
