"""The list page sorts by the columns an index serves and filters by 集体访, 重复, 越级 and 承办单位."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import advance, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(personas):
    plain = register(personas.clerk, title="普通件").petition
    group = register(personas.clerk, title="集体件").petition
    repeat = register(personas.clerk, title="重复件").petition
    skip = register(personas.clerk, title="越级件").petition
    Petition.objects.filter(pk=group.pk).update(is_group=True)
    Petition.objects.filter(pk=repeat.pk).update(is_repeat=True)
    Petition.objects.filter(pk=skip.pk).update(is_skip_level=True)
    advance(plain, "dispatched", personas=personas)  # at the 市政所
    return {"plain": plain, "group": group, "repeat": repeat, "skip": skip}


def _numbers(body: str) -> list[str]:
    return re.findall(r'<td class="nowrap"><a href="/staff/petitions/\d+/">([^<]+)</a>', body)


def _get(client, personas, **params):
    client.force_login(personas.dispatcher)
    r = client.get(reverse("petitions:list"), params)
    assert r.status_code == 200
    return r.content.decode()


def test_sort_by_number_both_ways_and_the_header_links_toggle(client, personas, cases):
    numbers = sorted(p.number for p in cases.values())
    body = _get(client, personas, sort="number")
    assert _numbers(body) == numbers
    assert 'href="?sort=-number" class="sort asc" data-sort="number"' in body
    assert _numbers(_get(client, personas, sort="-number")) == numbers[::-1]


def test_an_unknown_sort_keeps_the_default_order(client, personas, cases):
    default = _numbers(_get(client, personas))
    assert _numbers(_get(client, personas, sort="petitioner_name")) == default
    assert _numbers(_get(client, personas, sort="'; drop table x")) == default


def test_sort_links_keep_the_filters(client, personas, cases):
    body = _get(client, personas, is_group="1", sort="received")
    assert 'href="?is_group=1&amp;sort=-received"' in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"is_group": "1"}, {"group"}),
        ({"is_repeat": "1"}, {"repeat"}),
        ({"is_skip_level": "1"}, {"skip"}),
        ({"is_group": "0", "is_repeat": "0", "is_skip_level": "0"}, {"plain"}),
        ({"is_group": "yes"}, {"plain", "group", "repeat", "skip"}),  # not a choice: ignored, no error
    ],
)
def test_flag_filters(client, personas, cases, params, expected):
    body = _get(client, personas, **params)
    assert set(_numbers(body)) == {cases[k].number for k in expected}


def test_handling_unit_filter(client, personas, cases):
    body = _get(client, personas, unit=str(personas.org.municipal.pk))
    assert _numbers(body) == [cases["plain"].number]
    assert f'<option value="{personas.org.municipal.pk}" selected>扶沟县市政所</option>' in body
    assert _numbers(_get(client, personas, unit="abc"))  # not a unit id: all cases, no error


def test_sorting_costs_no_extra_query(client, personas, cases):
    client.force_login(personas.dispatcher)
    client.get(reverse("petitions:list"))  # warm the worker's caches
    with CaptureQueriesContext(connection) as plain:
        client.get(reverse("petitions:list"))
    with CaptureQueriesContext(connection) as sorted_:
        client.get(reverse("petitions:list"), {"sort": "-number", "is_group": "0"})
    assert len(sorted_) == len(plain)
