"""`insert(obj)`: what `obj.save(force_insert=True)` does for a new row, with the INSERT statement built
once per model instead of compiled by the ORM on every call.

The services write a case, its timeline event and its deadline on every registration and every state
change; Django's insert compiler spends longer building those statements than the database spends
running them. Here the statement (columns, placeholders, RETURNING the key) is made once per model;
each call still prepares every value through its field (`pre_save`, then `get_db_prep_save`, as
`Model.save` does: auto_now dates, JSON, dates on SQLite), checks related objects are saved, and
sends `pre_save` / `post_save`. Models with parents (multi-table inheritance) take `save()` itself.
`xinfang/core/tests/test_insert.py` compares the stored rows with `save()`'s on every field type used.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]  # private, not in the stubs
    pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    with_pk = obj.pk is not None
    stmt = _statement(model, connection, with_pk)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in stmt.fields]
    with connection.cursor() as cursor:
        cursor.execute(stmt.sql, values)
        if not with_pk:
            if stmt.returning:
                pk = cursor.fetchone()[0]
            else:
                pk_column = cast(str, meta.pk.column)  # a primary key always has a column
                pk = connection.ops.last_insert_id(cursor, meta.db_table, pk_column)
            setattr(obj, meta.pk.attname, meta.pk.to_python(pk))
    obj._state.adding = False
    obj._state.db = using
    post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using)
    return obj
