"""The suite runs on the database it claims to: PostgreSQL when DATABASE_URL says so, else SQLite in WAL mode."""

import os
from typing import Any, cast

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

from xinfang.core.testing.database import post_migration_snapshot

pytestmark = pytest.mark.django_db

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES_URL = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://", "postgis://"))


def test_connection_vendor_matches_database_url():
    if ON_POSTGRES_URL:
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            assert cursor.fetchone()[0].startswith("PostgreSQL")
    else:
        assert connection.vendor == "sqlite"


def test_sqlite_test_database_is_a_file_in_wal_mode():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert not cast(SQLiteDatabaseWrapper, connection).is_in_memory_db()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"


def test_each_xdist_worker_has_its_own_test_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        pytest.skip("not running under pytest-xdist")
    assert str(connection.settings_dict["NAME"]).endswith(f"_{worker}")


@pytest.mark.postgres_only
def test_postgres_only_marker_runs_only_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_transactional_tests_start_from_the_post_migration_state(run):
    # A transactional test ends with a flush of every table, data-migration seeds included; the
    # plugin reloads the post-migration snapshot, so the next test (any kind) still has them.
    # What matters is that the shipped seed data is back and no probe row of another run survived;
    # comparing the whole serialisation byte for byte was flaky under xdist.
    from xinfang.deadlines.models import TimeLimitRule
    from xinfang.petitions.models import Category

    assert post_migration_snapshot(connection.alias) is not None
    assert Category.objects.filter(parent__isnull=True).count() >= 18
    assert TimeLimitRule.objects.filter(code="handle").exists()
    assert not ContentType.objects.filter(app_label="infra_probe").exists()
    ContentType.objects.create(app_label="infra_probe", model=f"probe{run}")  # for the flush to remove


@pytest.mark.postgres_only
def test_big_tables_are_vacuumed_and_analyzed_early():
    # Migrations core 0003, deadlines 0004, petitions 0010: a 2% change (not the default 20%) triggers
    # autovacuum on the case and deadline tables, so statistics and the visibility map stay current.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('petitions_petition', 'petitions_event', 'deadlines_deadline', 'core_auditevent')"
        )
        options = {name: set(opts or []) for name, opts in cursor.fetchall()}
    assert "autovacuum_analyze_scale_factor=0.01" in options["petitions_petition"]
    assert "autovacuum_vacuum_insert_scale_factor=0.02" in options["petitions_petition"]
    assert "autovacuum_vacuum_scale_factor=0.02" in options["deadlines_deadline"]
    assert "autovacuum_vacuum_insert_scale_factor=0.05" in options["petitions_event"]
    assert "autovacuum_vacuum_insert_scale_factor=0.05" in options["core_auditevent"]


def _plan(sql: str, params: list[Any]) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test database is small: ask which index serves
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_subtree_and_same_person_lookups_have_their_index():
    # Migration petitions 0011: one index per lookup, the one the query can use.
    from xinfang.petitions.models import Petition

    table = Petition._meta.db_table
    like = "LIKE" if connection.vendor == "postgresql" else "GLOB"  # SQLite: its LIKE ignores case, GLOB not
    pattern = "410000/%" if like == "LIKE" else "410000/*"
    subtree = _plan(f"SELECT id FROM {table} WHERE area_path {like} %s", [pattern])  # noqa: S608
    if connection.vendor == "postgresql":
        # On a near-empty table the planner may as well take a composite index that holds the path
        # (pet_deadline_area, pet_status_area): the prefix is an index condition either way, not a filter
        # over every row. That pet_area_path exists, alone, is test_no_index_no_query_uses's business.
        assert "Index Cond" in subtree and "area_path" in subtree.split("Index Cond", 1)[1]
    else:
        assert "pet_area_path" in subtree
    assert "pet_id_hash" in _plan(f"SELECT id FROM {table} WHERE id_number_hash = %s", ["ab" * 32])  # noqa: S608
    assert "pet_phone_hash" in _plan(f"SELECT id FROM {table} WHERE phone_hash = %s", ["cd" * 32])  # noqa: S608


def test_mostly_empty_foreign_keys_have_partial_indexes_that_their_lookups_use() -> None:
    # Migration petitions 0012: a case without a leader (accused unit, original, review unit) adds no
    # index entry, and "the cases this leader took on" still finds them by index.
    from xinfang.petitions.models import Petition

    table = Petition._meta.db_table
    for column, index in (
        ("leader_id", "pet_leader"),
        ("accused_unit_id", "pet_accused_unit"),
        ("repeat_of_id", "pet_repeat_of"),
        ("review_unit_id", "pet_review_unit"),
    ):
        # The lookups read the case (its number here): on a near-empty table PostgreSQL could otherwise
        # answer `SELECT id` from any covering index that carries the column (pet_area_path carries
        # leader_id for the statistics), which says nothing about these indexes.
        sql = f"SELECT number FROM {table} WHERE {column}"  # noqa: S608
        assert index in _plan(f"{sql} = %s", [7]), column
        assert index in _plan(f"{sql} IN (%s, %s)", [7, 8]), column
    with connection.cursor() as cursor:
        partial = {
            c["columns"][0]
            for name, c in connection.introspection.get_constraints(cursor, table).items()
            if name in ("pet_leader", "pet_accused_unit", "pet_repeat_of", "pet_review_unit")
        }
    assert partial == {"leader_id", "accused_unit_id", "repeat_of_id", "review_unit_id"}


@pytest.mark.postgres_only
def test_the_sweep_finds_open_deadlines_through_the_open_deadline_index() -> None:
    # Migration deadlines 0006: only open deadlines are in it. (SQLite cannot prove `status = ?` matches the
    # index's `status = 'open'` and scans instead: a small installation's sweep.)
    from xinfang.petitions.deadlines.models import Deadline

    plan = _plan(
        f"SELECT id FROM {Deadline._meta.db_table} WHERE status = %s AND party = %s",  # noqa: S608
        ["open", "organ"],
    )
    assert "deadline_open_due" in plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'deadline_open_due'")
        (definition,) = cursor.fetchone()
    assert definition.endswith("WHERE ((status)::text = 'open'::text)")


def test_case_numbers_stay_unique_without_their_pattern_copy(personas: Any) -> None:
    from django.db import IntegrityError, transaction

    from xinfang.petitions.models import Petition
    from xinfang.petitions.tests.factories import register

    first = register(personas.clerk).petition
    second = register(personas.clerk).petition
    with pytest.raises(IntegrityError), transaction.atomic():
        Petition.objects.filter(pk=second.pk).update(number=first.number)
    assert Petition.objects.get(pk=second.pk).number != first.number
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'petitions_petition'")
            on_number = [d for (d,) in cursor.fetchall() if "(number" in d]
        assert on_number == ["CREATE UNIQUE INDEX pet_number_unique ON public.petitions_petition USING btree (number)"]


@pytest.mark.postgres_only
def test_no_index_no_query_uses():
    # Each index costs every insert (and every update of its columns): no second copy of an index under
    # another operator class, and the timeline's case index is event_petition_at alone.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN "
            "('petitions_petition', 'petitions_representative', 'petitions_event', 'core_auditevent')"
        )
        defs = cursor.fetchall()

    def indexes_on(table: str, column: str) -> list[str]:
        return [d for t, d in defs if t == table and f"({column}" in d.replace('"', "")]

    for column in ("area_path", "office_path", "current_path"):
        (only,) = indexes_on("petitions_petition", column)
        assert "varchar_pattern_ops" in only
    for table, column in (("core_auditevent", "action"), ("core_auditevent", "target_id")):
        (only,) = indexes_on(table, column)
        assert "pattern_ops" not in only
    # The keyed hashes: one index each, byte-wise (migration petitions 0013).
    for table, column in (
        ("petitions_petition", "id_number_hash"),
        ("petitions_petition", "phone_hash"),
        ("petitions_representative", "id_number_hash"),
        ("petitions_representative", "phone_hash"),
    ):
        (only,) = indexes_on(table, column)
        assert "varchar_pattern_ops" in only
    assert [d.split(" ON ")[0] for d in indexes_on("petitions_event", "petition_id")] == [
        "CREATE INDEX event_petition_at"
    ]
