"""Secondary indexes and foreign keys dropped for a bulk load are built again after it, even when the load
fails or dies."""

from __future__ import annotations

import io

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import connection

from xinfang.demo.models import DeferredIndex
from xinfang.demo.volume import deferred_indexes
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Event, Petition

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, tuple[str, bool]]:
    """Every index of the table, primary and unique ones included: name -> (definition up to a partial
    index's predicate, whether it has one). PostgreSQL prints a rebuilt predicate's casts differently."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return {name: (sql.split(" WHERE ")[0], " WHERE " in sql) for name, sql in cursor.fetchall()}


def _constraints(table: str) -> dict[str, str]:
    """Every constraint of the table: name -> definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass(%s)", [table]
        )
        return dict(cursor.fetchall())


def _foreign_keys(table: str) -> set[str]:
    return {name for name, sql in _constraints(table).items() if sql.startswith("FOREIGN KEY")}


def _w001() -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks(databases=["default"]) if m.id == "xinfang.demo.W001"]


@pytest.mark.postgres_only
def test_indexes_and_foreign_keys_dropped_during_the_block_and_rebuilt_after():
    tables = ("petitions_event", "deadlines_deadline")
    before = {t: _indexes(t) for t in tables}
    constraints = {t: _constraints(t) for t in tables}
    secondary = deferred_indexes.secondary_indexes(list(tables))
    fks = deferred_indexes.foreign_keys(list(tables))
    assert len(secondary) >= 4
    assert {name for name, _t, _s in fks} == _foreign_keys("petitions_event") | _foreign_keys("deadlines_deadline")
    assert len(fks) >= 5
    with deferred_indexes.deferred([Event, Deadline]) as dropped:
        assert sorted(dropped) == sorted(name for name, _t, _s in secondary + fks)
        assert deferred_indexes.secondary_indexes(list(tables)) == []
        assert deferred_indexes.foreign_keys(list(tables)) == []
        # the primary keys (and any unique index) and the check constraints stay
        assert "petitions_event_pkey" in _indexes("petitions_event")
        assert "deadlines_deadline_pkey" in _constraints("deadlines_deadline")
        assert any(sql.startswith("CHECK") for sql in _constraints("deadlines_deadline").values())
        assert {d.name for d in deferred_indexes.pending()} == set(dropped)
        [warning] = _w001()
        assert f"有 {len(dropped)} 个索引或外键约束" in warning.msg
    assert {t: _indexes(t) for t in tables} == before
    assert {t: _constraints(t) for t in tables} == constraints
    assert deferred_indexes.pending() == []
    assert _w001() == []


@pytest.mark.postgres_only
def test_a_dangling_reference_written_during_the_load_keeps_its_constraint_pending(personas):
    call_command("generate_petitions", "--count", "3", "--seed", "5", "--no-progress", stdout=io.StringIO())
    case = Petition.objects.first()
    assert case is not None
    before = _constraints("petitions_event")
    before_indexes = _indexes("petitions_event")
    deferred_indexes._drop(["petitions_event"])
    with connection.cursor() as cursor:  # what a faulty loader could write while the check is off
        cursor.execute("UPDATE petitions_event SET petition_id = -7 WHERE petition_id = %s", [case.pk])
    fk = "petitions_event_petition_id_eadf351f_fk_petitions_petition_id"
    with pytest.raises(deferred_indexes.RestoreError) as failed:
        deferred_indexes.restore()
    [(label, reason)] = failed.value.failures
    assert label == f"petitions_event.{fk}" and "petition_id" in reason
    assert {d.name for d in deferred_indexes.pending()} == {fk}  # everything else is back
    assert _indexes("petitions_event") == before_indexes
    assert "1 个索引或外键约束" in _w001()[0].msg
    err = io.StringIO()
    with pytest.raises(CommandError, match="有 1 项未能重建.*不存在的引用"):
        call_command("restore_indexes", stdout=io.StringIO(), stderr=err)
    assert f"恢复外键约束失败：petitions_event.{fk}" in err.getvalue()
    with connection.cursor() as cursor:  # the data put right, the constraint comes back
        cursor.execute("UPDATE petitions_event SET petition_id = %s WHERE petition_id = -7", [case.pk])
    out = io.StringIO()
    call_command("restore_indexes", stdout=out, stderr=io.StringIO())
    assert "已重建 1 个索引和约束" in out.getvalue()
    assert _constraints("petitions_event") == before
    assert _w001() == []


@pytest.mark.postgres_only
def test_a_failing_load_still_gets_its_indexes_back():
    before = _indexes("petitions_event")
    with pytest.raises(RuntimeError, match="载入失败"), deferred_indexes.deferred([Event]):
        assert _indexes("petitions_event") != before
        raise RuntimeError("载入失败")
    assert _indexes("petitions_event") == before
    assert DeferredIndex.objects.count() == 0


@pytest.mark.postgres_only
def test_indexes_a_dead_load_left_missing_are_reported_and_restored_by_the_command():
    before = _indexes("petitions_petition")
    constraints = _constraints("petitions_petition")
    unique = [n for n, (d, _partial) in before.items() if "UNIQUE" in d]
    dropped = deferred_indexes._drop(["petitions_petition"])  # the load then dies: nothing rebuilds them
    assert dropped and not set(unique) & set(dropped)
    assert set(_indexes("petitions_petition")) == set(before) - set(dropped)
    assert _foreign_keys("petitions_petition") == set()
    hint = _w001()[0].hint
    assert hint is not None and hint.startswith("运行 python manage.py restore_indexes")
    out, err = io.StringIO(), io.StringIO()
    call_command("restore_indexes", stdout=out, stderr=err)
    assert f"已重建 {len(dropped)} 个索引和约束" in out.getvalue()
    assert "重建索引 1/" in err.getvalue()  # the indexes first, then the foreign keys
    assert f"恢复外键约束 {len(dropped)}/{len(dropped)}" in err.getvalue()
    assert _indexes("petitions_petition") == before
    assert _constraints("petitions_petition") == constraints
    assert _w001() == []


@pytest.mark.postgres_only
def test_the_next_deferred_load_first_restores_what_a_dead_one_left():
    before = _indexes("petitions_event")
    deferred_indexes._drop(["petitions_event"])
    with deferred_indexes.deferred([Deadline]):
        assert _indexes("petitions_event") == before  # rebuilt before anything new was dropped
        assert {d.table for d in deferred_indexes.pending()} == {"deadlines_deadline"}
    assert DeferredIndex.objects.count() == 0


@pytest.mark.postgres_only
def test_generator_rebuild_option_writes_the_cases_and_leaves_every_index(personas):
    tables = ("petitions_petition", "petitions_event", "deadlines_deadline", "petitions_representative")
    before = {t: _indexes(t) for t in tables}
    constraints = {t: _constraints(t) for t in tables}
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate_petitions", "--count", "40", "--seed", "3", "--indexes", "rebuild", "--no-progress",
        stdout=out, stderr=err,
    )  # fmt: skip
    assert Petition.objects.count() == 40
    assert Event.objects.filter(petition__in=Petition.objects.all()).count() >= 40
    assert "载入期间暂时删除" in err.getvalue()
    assert {t: _indexes(t) for t in tables} == before
    assert {t: _constraints(t) for t in tables} == constraints
    assert DeferredIndex.objects.count() == 0


def test_small_loads_keep_their_indexes(personas):
    err = io.StringIO()
    call_command(
        "generate_petitions", "--count", "20", "--seed", "4", "--no-progress", stdout=io.StringIO(), stderr=err
    )
    assert Petition.objects.count() == 20
    assert "暂时删除" not in err.getvalue()  # auto: far below the threshold


def test_nothing_is_deferred_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with deferred_indexes.deferred([Event]) as dropped:
        assert dropped == []
    out = io.StringIO()
    call_command("restore_indexes", stdout=out)
    assert "没有待重建的索引或约束" in out.getvalue()
    assert _w001() == []
