"""A migration operation that sets PostgreSQL storage options (autovacuum thresholds) on tables.

    operations = [table_options({"petitions_petition": "autovacuum_analyze_scale_factor = 0.01, …"})]

Other databases have no such options: the operation does nothing there. Reversing it resets the
options it set. Used by core 0003, deadlines 0004 and petitions 0010 (docs/postgresql.md)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def table_options(options: dict[str, str]) -> migrations.RunPython:
    def apply(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, values in options.items():
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET ({values})")

    def revert(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, values in options.items():
            names = ", ".join(part.split("=")[0].strip() for part in values.split(","))
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} RESET ({names})")

    return migrations.RunPython(apply, revert)
