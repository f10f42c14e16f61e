"""Writing many rows at once for the bulk path (import, generator): one INSERT per table, executemany on
SQLite, COPY … FROM STDIN on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.utils import timezone

# ---------------------------------------------------------------- writing
#
# Django's bulk_create spends most of its time compiling the SQL value by value (and Model.__init__ most
# of the rest). Here each table's INSERT is built once; rows are read from the instances' __dict__ and
# only dates, datetimes and JSON are prepared by their fields. SQLite gets executemany, PostgreSQL COPY.


def new_instance(model: type[models.Model], values: dict[str, Any]) -> Any:
    """An unsaved instance without Model.__init__: defaults for every field, then `values` (attnames)."""
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}
        _DEFAULTS[model] = defaults
    obj = model.__new__(model)
    obj.__dict__.update(defaults)
    obj.__dict__.update(values)
    obj._state = models.base.ModelState()
    return obj


_DEFAULTS: dict[type[models.Model], dict[str, Any]] = {}


class Table:
    def __init__(self, model: type[models.Model], *, with_pk: bool) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        qn = connection.ops.quote_name
        self.table = qn(model._meta.db_table)
        self.columns = ", ".join(qn(cast(str, f.column)) for f in self.fields)  # concrete: never None
        self.copy = connection.vendor == "postgresql" and bool(getattr(settings, "XINFANG_BULK_COPY", True))
        self.get = operator.itemgetter(*(f.attname for f in self.fields))  # raw values in one C call
        self.now_at: list[int] = []
        self.prep: list[tuple[int, Callable[[Any], Any]]] = []
        # COPY in PostgreSQL's binary format: psycopg packs ints, dates and timestamps in C and the server
        # reads them without parsing text (~0.06 ms less client CPU a generated case). Binary needs each
        # column's type up front: taken from the catalog, once per table and process.
        self.oids = _column_types(self.table, [cast(str, f.column) for f in self.fields]) if self.copy else []
        for i, f in enumerate(self.fields):
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.now_at.append(i)
            elif isinstance(f, models.JSONField):
                if not self.copy:  # binary COPY: psycopg's jsonb dumper serializes the value itself
                    self.prep.append((i, lambda v: json.dumps(v, ensure_ascii=False)))
            elif isinstance(f, models.DateTimeField) and connection.vendor == "sqlite":
                self.prep.append((i, _sqlite_datetime))
            elif isinstance(f, models.DateField) and connection.vendor == "sqlite":
                self.prep.append((i, _sqlite_date))

    def rows(self, objs: Iterable[Any], now: Any) -> Iterator[list[Any]]:
        get, now_at, prep = self.get, self.now_at, self.prep
        for obj in objs:
            row = list(get(obj.__dict__))
            for i in now_at:
                row[i] = now
            for i, fn in prep:
                v = row[i]
                if v is not None:
                    row[i] = fn(v)
            yield row

    def write(self, objs: Sequence[Any]) -> None:
        if not objs:
            return
        now = timezone.now()
        if self.copy:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(self.oids)
                for row in self.rows(objs, now):
                    copy.write_row(row)
            return
        now_db = connection.ops.adapt_datetimefield_value(now)
        marks = ", ".join(["%s"] * len(self.fields))
        sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, list(self.rows(objs, now_db)))


_TYPES: dict[tuple[str, str], dict[str, int]] = {}


def _column_types(table: str, columns: list[str]) -> list[int]:
    """The type OIDs of `columns` of the (quoted) `table`, in that order (PostgreSQL)."""
    key = (connection.alias, table)
    types = _TYPES.get(key)
    if types is None or not types.keys() >= set(columns):  # first use, or the table changed meanwhile
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
                " AND NOT attisdropped",
                [table],
            )
            types = _TYPES[key] = {name: int(oid) for name, oid in cursor.fetchall()}
    return [types[c] for c in columns]


def _sqlite_datetime(value: dt.datetime) -> str:
    # What connection.ops.adapt_datetimefield_value stores (naive UTC text), without its per-value overhead.
    tz = value.tzinfo
    if tz is dt.UTC:
        value = value.replace(tzinfo=None)
    elif tz is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value)


def _sqlite_date(value: dt.date) -> str:
    return value.isoformat()


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, taken before the insert (we are inside the write transaction)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise ImproperlyConfigured("批量导入仅支持 SQLite 和 PostgreSQL 数据库")  # a deployment error, not a gap
        # BEGIN IMMEDIATE (settings) holds the write lock, so nobody else takes ids meanwhile. AUTOINCREMENT
        # tables never reuse an id: start above both the largest row and the recorded sequence.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
        return list(range(top + 1, top + 1 + count))
