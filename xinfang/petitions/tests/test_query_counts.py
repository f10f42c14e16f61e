"""No query per row: the workbench, the list and the case page stay within a fixed number of queries
however many cases, events, deadlines and representatives there are."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.demo.volume.generator import Generator
from xinfang.petitions import services
from xinfang.petitions.tests.factories import advance, register

pytestmark = pytest.mark.django_db

LIST_MAX = 12
DETAIL_MAX = 16  # 15, and one for the links higher apps offer (petitions.case_links: the case's disputes)


@pytest.fixture
def many(personas):
    Generator(seed=5).run(90)  # every state, groups with representatives, repeats, accusations
    return personas


@pytest.mark.parametrize("who", ["clerk", "dispatcher", "handler", "head", "supervisor", "leader"])
def test_workbench_every_inbox(client, many, who, django_assert_max_num_queries):
    from xinfang.petitions import selectors

    user = getattr(many, who)
    client.force_login(user)
    for inbox in selectors.inboxes_for(user):
        with django_assert_max_num_queries(LIST_MAX):
            r = client.get(reverse("petitions:workbench"), {"inbox": inbox.key})
        assert r.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "accepted", "area": "411621"},
        {"deadline_state": "overdue"},
        {"channel": "visit", "page": "2"},
        {"q": "窨井盖"},
        {"category": "1"},
        {"date_from": "2020-01-01", "date_to": "2030-12-31"},
    ],
)
def test_list_with_filters(client, many, query, django_assert_max_num_queries):
    client.force_login(many.dispatcher)
    with django_assert_max_num_queries(LIST_MAX):
        r = client.get(reverse("petitions:list"), query)
    assert r.status_code == 200


def test_list_rows_do_not_add_queries(client, personas, django_assert_num_queries):
    client.force_login(personas.dispatcher)
    register(personas.clerk)
    client.get(reverse("petitions:list"))  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("petitions:list"))
    Generator(seed=9).run(40)
    with django_assert_num_queries(len(one)):
        client.get(reverse("petitions:list"))


def test_detail_with_a_long_timeline(client, personas, django_assert_max_num_queries):
    reg = register(
        personas.clerk,
        headcount=8,
        channel="visit",
        representatives=[{"name": f"代表{i}", "id_number": "", "phone": f"1381234567{i}"} for i in range(5)],
    )
    p = advance(reg.petition, "accepted", personas=personas)
    for i in range(30):
        services.petition_add_note(actor=personas.handler, petition_id=p.pk, note=f"第{i}次走访核实", public=i % 2 == 0)
    for who in ("handler", "head", "dispatcher", "supervisor"):
        client.force_login(getattr(personas, who))
        with django_assert_max_num_queries(DETAIL_MAX):
            r = client.get(reverse("petitions:detail", args=[p.pk]))
        assert r.status_code == 200 and "第29次走访核实" in r.content.decode()


def test_detail_of_a_case_to_dispatch(client, many, django_assert_max_num_queries):
    p = register(many.clerk).petition  # the dispatch form: unit choices and routing suggestions
    client.force_login(many.dispatcher)
    # A worker's first page after a change of areas or categories loads them (core.versioned): two
    # queries, once. Count the pages that follow, as every request of a running worker is.
    client.get(reverse("petitions:detail", args=[p.pk]))
    with django_assert_max_num_queries(DETAIL_MAX):
        r = client.get(reverse("petitions:detail", args=[p.pk]))
    assert r.status_code == 200 and "转送/交办" in r.content.decode()
