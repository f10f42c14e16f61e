"""DeferredIndex moved from core to demo: migrating forward keeps what a dead bulk load left to rebuild."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xinfang.demo.models import DeferredIndex

CORE_BEFORE = ("core", "0006_deferred_foreign_keys")


@pytest.mark.django_db(transaction=True)
def test_pending_rows_move_to_the_demo_table_and_core_drops_its_own():
    executor = MigrationExecutor(connection)
    executor.migrate([CORE_BEFORE, ("demo", None)])  # demo's 0001 and core's 0007 undone
    old_apps = executor.loader.project_state([CORE_BEFORE]).apps
    Old = old_apps.get_model("core", "DeferredIndex")
    Old.objects.create(name="pet_status", table="petitions_petition", definition="CREATE INDEX pet_status ...")
    Old.objects.create(
        name="fk_event_petition", table="petitions_event", kind="foreign_key", definition="ALTER TABLE ..."
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {(d.name, d.table, d.kind) for d in DeferredIndex.objects.all()}
    assert rows == {
        ("pet_status", "petitions_petition", "index"),
        ("fk_event_petition", "petitions_event", "foreign_key"),
    }
    tables = connection.introspection.table_names()
    assert "demo_deferredindex" in tables and "core_deferredindex" not in tables
