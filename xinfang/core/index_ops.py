"""Migration operations that trim a field's indexes without rebuilding the one that is kept.

`db_index=True` on a CharField gives PostgreSQL two indexes: a plain one (equality, and prefix LIKE under
the C collation only) and a `varchar_pattern_ops` copy named `…_like` (prefix LIKE under any collation).
A field compared whole needs only the first; a path only ever prefix-matched needs only the second. Each
superfluous index costs every insert and every update of its column.

`slim_field_index` moves such a field from `db_index=True` to one named index in Meta. On PostgreSQL it
renames the index that is kept and drops the other -- no rebuild, so it is quick on a table of millions
of rows. Other databases (one index per field there) drop the old index and build the new one.
`drop_field_index` removes a field's own index where a composite index already leads with the field.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def _single_column_indexes(schema_editor: Any, model: Any, column: str) -> list[str]:
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        constraints = conn.introspection.get_constraints(cursor, model._meta.db_table)
    return sorted(
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]
    )


def _drop_single_column_indexes(schema_editor: Any, model: Any, column: str) -> None:
    """Drop the column's own plain indexes (not unique ones, not composites)."""
    for name in _single_column_indexes(schema_editor, model, column):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def _restore_field_indexes(schema_editor: Any, model: Any, field: Any) -> None:
    """What db_index=True created: the plain index and, for text on PostgreSQL, the pattern_ops copy."""
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
    if schema_editor.connection.vendor == "postgresql" and isinstance(field, models.CharField):
        schema_editor.execute(
            schema_editor._create_index_sql(model, fields=[field], suffix="_like", opclasses=["varchar_pattern_ops"])
        )


def slim_field_index(
    app_label: str,
    model_name: str,
    field_name: str,
    field: models.Field[Any, Any],
    index: models.Index,
    *,
    keep_like: bool,
) -> migrations.SeparateDatabaseAndState:
    """`field` (without db_index) replaces the field; `index` (in Meta) replaces its indexes. On PostgreSQL the
    `_like` index (keep_like) or the plain one becomes `index` by rename."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        old = _single_column_indexes(schema_editor, model, column)
        kept = [n for n in old if n.endswith("_like") == keep_like][:1]
        qn = schema_editor.quote_name
        if schema_editor.connection.vendor == "postgresql" and kept:
            for name in old:
                if name != kept[0]:
                    schema_editor.execute(f"DROP INDEX IF EXISTS {qn(name)}")
            schema_editor.execute(f"ALTER INDEX {qn(kept[0])} RENAME TO {qn(index.name)}")
            return
        for name in old:
            schema_editor.execute(f"DROP INDEX IF EXISTS {qn(name)}")
        schema_editor.add_index(model, index)

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        schema_editor.remove_index(model, index)
        _restore_field_indexes(schema_editor, model, model._meta.get_field(field_name))

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(model_name=model_name, name=field_name, field=field),
            migrations.AddIndex(model_name=model_name, index=index),
        ],
        database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
    )


def drop_field_index(
    app_label: str, model_name: str, field_name: str, field: models.Field[Any, Any]
) -> migrations.SeparateDatabaseAndState:
    """`field` (db_index=False) replaces the field; its own index is dropped. A ForeignKey keeps its
    constraint (AlterField would drop and re-validate it: a scan of the whole table)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        _drop_single_column_indexes(schema_editor, model, model._meta.get_field(field_name).column)

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field(field_name)]))

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=field_name, field=field)],
        database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
    )


def partial_field_index(
    app_label: str, model_name: str, field_name: str, field: models.Field[Any, Any], index: models.Index
) -> migrations.SeparateDatabaseAndState:
    """A mostly empty foreign key's index becomes `index`, partial (`WHERE col IS NOT NULL`): a row without
    a value no longer adds an entry, and every lookup by value (`col = x`, `col IN (…)`, Django's delete
    checks) can still use it, since such a condition implies the column is not null. `field` (db_index=False)
    replaces the field without touching its constraint."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        _drop_single_column_indexes(schema_editor, model, model._meta.get_field(field_name).column)
        schema_editor.add_index(model, index)

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        schema_editor.remove_index(model, index)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field(field_name)]))

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(model_name=model_name, name=field_name, field=field),
            migrations.AddIndex(model_name=model_name, index=index),
        ],
        database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
    )


class UniqueFieldToConstraint(migrations.operations.base.Operation):
    """A unique CharField (`unique=True`: on PostgreSQL a unique constraint and a `varchar_pattern_ops` copy
    `…_like` of its index) becomes `field` without `unique` and `constraint` in Meta: the unique index alone.
    On PostgreSQL the constraint is renamed and the copy dropped -- no rebuild, no scan of the table. Other
    databases (SQLite rebuilds the table for the field) alter the field and add the constraint."""

    reversible = True

    def __init__(self, model_name: str, name: str, field: models.Field[Any, Any], constraint: models.UniqueConstraint):
        self.model_name, self.name, self.field, self.constraint = model_name, name, field, constraint
        self._steps = [
            migrations.AlterField(model_name=model_name, name=name, field=field),
            migrations.AddConstraint(model_name=model_name, constraint=constraint),
        ]

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "name": self.name, "field": self.field, "constraint": self.constraint},
        )

    def describe(self) -> str:
        return f"Make {self.model_name}.{self.name}'s uniqueness the constraint {self.constraint.name}"

    def state_forwards(self, app_label: str, state: Any) -> None:
        for step in self._steps:
            step.state_forwards(app_label, state)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if schema_editor.connection.vendor != "postgresql":
            self._run(app_label, schema_editor, from_state, self._steps, backwards=False)
            return
        conn, qn = schema_editor.connection, schema_editor.quote_name
        column = model._meta.get_field(self.name).column
        with conn.cursor() as cursor:
            found = conn.introspection.get_constraints(cursor, model._meta.db_table)
        (unique,) = (n for n, i in found.items() if i["unique"] and not i["primary_key"] and i["columns"] == [column])
        _drop_single_column_indexes(schema_editor, model, column)
        schema_editor.execute(
            f"ALTER TABLE {qn(model._meta.db_table)} RENAME CONSTRAINT {qn(unique)} TO {qn(self.constraint.name)}"
        )

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            self._run(app_label, schema_editor, to_state, self._steps, backwards=True)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        qn = schema_editor.quote_name
        name = schema_editor._create_index_name(model._meta.db_table, [field.column], suffix="_uniq")
        schema_editor.execute(
            f"ALTER TABLE {qn(model._meta.db_table)} RENAME CONSTRAINT {qn(self.constraint.name)} TO {qn(name)}"
        )
        schema_editor.execute(
            schema_editor._create_index_sql(model, fields=[field], suffix="_like", opclasses=["varchar_pattern_ops"])
        )

    @staticmethod
    def _run(app_label: str, schema_editor: Any, start: Any, steps: list[Any], *, backwards: bool) -> None:
        states = [start.clone()]
        for step in steps:
            nxt = states[-1].clone()
            step.state_forwards(app_label, nxt)
            states.append(nxt)
        pairs = list(zip(steps, states[:-1], states[1:], strict=True))
        for step, before, after in reversed(pairs) if backwards else pairs:
            if backwards:
                step.database_backwards(app_label, schema_editor, after, before)
            else:
                step.database_forwards(app_label, schema_editor, before, after)
