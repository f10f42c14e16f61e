"""Areas and categories come from each worker's memory (core.versioned), and every kind of write shows
at once: a save, a bulk update, a delete; a rolled-back change leaves nothing behind."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinfang.accounts.models import Area
from xinfang.accounts.reference import active_area, area_filter_choices
from xinfang.core import versioned
from xinfang.petitions.models import Category
from xinfang.petitions.reference import active_category, category_filter_choices

pytestmark = pytest.mark.django_db


def _area(code: str) -> Area:
    area = active_area(code)
    assert area is not None, code
    return area


def _category(code: str) -> Category:
    category = active_category(code)
    assert category is not None, code
    return category


def test_second_read_is_one_token_query(personas):
    active_area("411621"), active_category("602015")
    with CaptureQueriesContext(connection) as q:
        assert _area("411621").name
        assert _category("602015").name
        assert area_filter_choices() and category_filter_choices()
    assert len(q) == 4  # the token, once per call; no area or category query


def test_a_request_reads_every_token_in_one_query(personas):
    Area.objects.filter(code="411621").update(active=True)  # both tokens have rows
    Category.objects.filter(code="602015").update(active=True)
    with versioned.request_scope(), CaptureQueriesContext(connection) as q:
        versioned.token("reference"), versioned.token("deadlines"), versioned.token("reference")
        assert versioned.token("no-such-token") == ""
    assert len(q) == 1
    with versioned.request_scope():
        before = versioned.token("reference")
        Area.objects.filter(code="411621").update(name="新名县")  # bumped in this request: read anew
        assert versioned.token("reference") != before


def test_a_token_renewed_then_rolled_back_in_a_request_is_not_trusted(personas):
    with versioned.request_scope():
        committed = versioned.token("reference")
    with versioned.request_scope():
        with pytest.raises(RuntimeError), transaction.atomic():
            Area.objects.filter(code="411621").update(name="未提交县")  # renews "reference", uncommitted
            versioned.token("deadlines")  # the request's first read of the tokens
            raise RuntimeError
        assert versioned.token("reference") == committed
        assert _area("411621").name != "未提交县"


def test_a_saved_area_is_seen_at_once(personas):
    county = Area.objects.get(code="411621")
    assert _area("411621").name == county.name
    county.name = "新名县"
    county.save()
    assert _area("411621").name == "新名县"
    assert ("411621", "　　新名县") in area_filter_choices()
    town = Area.objects.create(code="411621199", name="新设镇", level=4, parent=county, path=county.path + "411621199/")
    assert active_area("411621199") == town


def test_bulk_writes_and_deletes_are_seen(personas):
    assert active_area("411621") is not None
    Area.objects.filter(code="411621").update(active=False)  # a queryset update sends no signal
    assert active_area("411621") is None
    assert "411621" not in dict(area_filter_choices())
    cat = Category.objects.create(code="T-1", name="试点分类")
    assert active_category("T-1") == cat
    Category.objects.bulk_update([Category(pk=cat.pk, code="T-1", name="改名分类")], ["name"])
    assert _category("T-1").name == "改名分类"
    cat.delete()
    assert active_category("T-1") is None


def test_a_rolled_back_change_leaves_nothing(personas):
    before = versioned.token("reference")
    assert active_category("602015") is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        Category.objects.filter(code="602015").update(active=False)
        assert active_category("602015") is None
        raise RuntimeError
    assert versioned.token("reference") == before
    assert active_category("602015") is not None


def test_without_a_token_nothing_is_trusted(personas):
    from xinfang.core.models import DataVersion

    DataVersion.objects.all().delete()
    assert active_area("411621") is not None
    Area.objects.filter(code="411621").update(name="甲县")  # renews (creates) the token
    assert _area("411621").name == "甲县"
    DataVersion.objects.all().delete()
    with connection.cursor() as cursor:  # a change behind the application's back, with no token row
        cursor.execute("UPDATE accounts_area SET name = %s WHERE code = %s", ["乙县", "411621"])
    assert _area("411621").name == "乙县"


def test_list_filter_and_api_use_the_current_areas(client, personas):
    Area.objects.filter(code="411621").update(name="更名县")
    client.force_login(personas.dispatcher)
    assert "更名县" in client.get(reverse("petitions:list")).content.decode()


def test_inactive_areas_are_found_for_filters_not_for_intake(personas):
    from xinfang.accounts.reference import area_by_code

    Area.objects.filter(code="411621").update(active=False)
    assert area_by_code("411621") is not None and active_area("411621") is None
    assert area_by_code("nope") is None and active_area("") is None
