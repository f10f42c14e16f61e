"""A limit is `shares_code` when its case has another of the same code: the statistics count the others as rows
and take DISTINCT over these few (statistics.figures.deadline_counts), so every writer must set it. The bulk
path's flags are compared with the services' in test_bulk_writer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xinfang.petitions import services
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db

BEFORE = ("petitions", "0026_workbench_unit_status")


def _rows(p) -> list[tuple[str, str, bool]]:
    return sorted(Deadline.objects.filter(petition=p).values_list("code", "status", "shares_code"))


def _objected_and_redispatched(personas):
    org = personas.org
    p = register(personas.clerk).petition
    services.petition_dispatch(actor=personas.dispatcher, petition_id=p.pk, unit=org.municipal, mode="transfer")
    assert _rows(p) == [
        ("notify_acceptance", "open", False),
        ("objection", "open", False),
        ("transfer", "met", False),
    ]
    services.petition_object(actor=personas.handler, petition_id=p.pk, reason="不属于本单位职责")
    services.petition_dispatch(actor=personas.dispatcher, petition_id=p.pk, unit=org.township, mode="transfer")
    return p


def test_a_redispatch_after_an_objection_marks_each_code_opened_twice(personas):
    """The objection sends the case back (a second 转送 limit); the second dispatch opens 受理告知 and 异议 again.
    Every limit of those codes then shares its code, the cancelled one too; a fresh case has none."""
    p = _objected_and_redispatched(personas)
    assert _rows(p) == [
        ("notify_acceptance", "cancelled", True),
        ("notify_acceptance", "open", True),
        ("objection", "met", True),
        ("objection", "open", True),
        ("transfer", "met", True),
        ("transfer", "met", True),
    ]
    other = register(personas.clerk).petition
    assert _rows(other) == [("transfer", "open", False)]


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_has_its_limits_flagged(personas):
    """A database from before the flag: migration 0027 flags the codes a case has more than once and nothing else,
    and 0028's rename keeps the values."""
    p = _objected_and_redispatched(personas)
    single = register(personas.clerk).petition
    expected = _rows(p) + _rows(single)
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    assert "shares_code" not in {
        c.name for c in connection.introspection.get_table_description(connection.cursor(), Deadline._meta.db_table)
    }
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert _rows(p) + _rows(single) == expected
