"""The dispatch form offers the units the office may dispatch to, grouped by area and level, the
routing suggestion first; other units are refused with a message; the option list is cached."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinfang.petitions.models import Category, Event
from xinfang.petitions.tests.factories import register
from xinfang.petitions.workflow import Status
from xinfang.routing.models import RoutingRule

pytestmark = pytest.mark.django_db


def _select(body: str) -> str:
    found = re.search(r'<select name="dispatch-unit".*?</select>', body, re.S)
    assert found, body
    return found.group(0)


def _detail(client, personas, p) -> str:
    client.force_login(personas.dispatcher)
    r = client.get(reverse("petitions:detail", args=[p.pk]))
    assert r.status_code == 200
    return _select(r.content.decode())


def test_units_grouped_by_area_with_the_suggestion_first(client, personas):
    org = personas.org
    RoutingRule.objects.create(category=Category.objects.get(code="602015"), area=org.fugou, unit=org.housing)
    p = register(personas.clerk).petition  # 城乡建设, 扶沟县
    select = _detail(client, personas, p)
    groups = re.findall(r'<optgroup label="([^"]+)"', select)
    assert groups == ["系统建议", "扶沟县（县区）", "城关镇（乡镇街道）", "周口市（市 · 上级）"]
    suggested = select.split('<optgroup label="扶沟县（县区）">')[0]
    assert re.search(rf'<option value="{org.housing.pk}" title="[^"]*" selected>扶沟县住建局</option>', suggested)
    # The county's units in its group, the government first; never the office itself or another county.
    county = select.split('<optgroup label="扶沟县（县区）">')[1].split("</optgroup>")[0]
    names = re.findall(r">([^<]+)</option>", county)
    assert names[0] == "扶沟县委县政府" and "扶沟县市政所" in names
    assert "扶沟县信访局" not in select and "太康县" not in select
    assert 'class="unit-filter" data-filter-for="id_dispatch-unit"' in _page(client, p)


def _page(client, p) -> str:
    body: str = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    return body


def test_the_accused_unit_is_not_offered(client, personas):
    org = personas.org
    p = register(personas.clerk, accused_unit=org.municipal, purpose="601002").petition
    select = _detail(client, personas, p)
    assert "扶沟县市政所" not in select and "扶沟县住建局" in select


def test_a_unit_outside_the_list_is_refused_with_a_message(client, personas):
    p = register(personas.clerk).petition
    client.force_login(personas.dispatcher)
    r = client.post(
        reverse("petitions:act", args=[p.pk, "dispatch"]),
        {"dispatch-mode": "transfer", "dispatch-unit": str(personas.org.taikang_housing.pk)},
    )
    assert r.status_code == 400
    assert "请从列表中选择本部门可以转送、交办的单位" in r.content.decode()
    p.refresh_from_db()
    assert p.status == Status.REGISTERED and not Event.objects.filter(petition=p, action="dispatch").exists()


def test_a_unit_from_a_group_can_be_chosen(client, personas):
    p = register(personas.clerk).petition
    client.force_login(personas.dispatcher)
    r = client.post(
        reverse("petitions:act", args=[p.pk, "dispatch"]),
        {"dispatch-mode": "transfer", "dispatch-unit": str(personas.org.city_gov.pk)},
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.DISPATCHED and p.current_unit == personas.org.city_gov


def test_the_option_list_is_cached_until_a_unit_changes(client, personas):
    org = personas.org
    p = register(personas.clerk).petition
    _detail(client, personas, p)
    with CaptureQueriesContext(connection) as second:
        _detail(client, personas, p)
    units_read = [
        q["sql"]
        for q in second.captured_queries
        if 'FROM "accounts_unit"' in q["sql"] and '"accounts_area"."path" LIKE' in q["sql"]
    ]
    assert units_read == []
    org.housing.name = "扶沟县住房和城乡建设局"
    org.housing.save()
    assert "扶沟县住房和城乡建设局" in _detail(client, personas, p)
