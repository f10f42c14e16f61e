"""routing_suggest: the unit the dispatcher sees proposed first, and what is never proposed."""

from __future__ import annotations

import pytest

from xinfang.accounts.services import area_upsert
from xinfang.petitions.models import Category
from xinfang.routing.models import RoutingRule
from xinfang.routing.services import routing_suggest

pytestmark = pytest.mark.django_db


@pytest.fixture
def building(org) -> Category:
    return Category.objects.get(code="602015")  # 城乡建设


@pytest.fixture
def labour(org) -> Category:
    return Category.objects.get(code="602006")  # 劳动社保


def _units(suggestions) -> list[str]:
    return [s.unit.name for s in suggestions]


def test_the_higher_priority_rule_comes_first(org, building):
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.housing, priority=1)
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.municipal, priority=5)
    names = _units(routing_suggest(category_id=building.pk, area=org.fugou))
    assert names[:2] == ["扶沟县市政所", "扶沟县住建局"]


def test_the_nearer_area_beats_priority_and_a_category_rule_beats_an_any_category_one(org, building):
    RoutingRule.objects.create(category=building, area=org.zhoukou, unit=org.city_gov, priority=99)
    RoutingRule.objects.create(category=None, area=org.chengguan, unit=org.municipal, priority=0)
    RoutingRule.objects.create(category=building, area=org.chengguan, unit=org.housing, priority=0)
    names = _units(routing_suggest(category_id=building.pk, area=org.chengguan))
    assert names[:3] == ["扶沟县住建局", "扶沟县市政所", "周口市委市政府"]


def test_a_rule_for_an_area_covers_its_whole_subtree_and_nothing_beside_it(org, building):
    village = area_upsert(code="411621100201", name="城关镇东关村", level=5, parent=org.chengguan)
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.housing)
    assert _units(routing_suggest(category_id=building.pk, area=village))[0] == "扶沟县住建局"
    # 太康县 is a sibling of 扶沟县: the rule does not reach it.
    assert "扶沟县住建局" not in _units(routing_suggest(category_id=building.pk, area=org.taikang))


def test_a_rule_for_a_first_level_category_covers_its_second_level_categories(org, building):
    roads = Category.objects.create(code="602015-T1", name="市政道路", parent=building, sort_order=1)
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.municipal)
    assert _units(routing_suggest(category_id=roads.pk, area=org.fugou))[0] == "扶沟县市政所"


def test_a_rule_for_another_category_is_not_used(org, building, labour):
    RoutingRule.objects.create(category=labour, area=org.fugou, unit=org.housing, priority=50)
    assert "扶沟县住建局" not in _units(routing_suggest(category_id=building.pk, area=org.fugou))


def test_inactive_rules_and_units_are_never_suggested(org, building):
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.housing, active=False)
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.municipal)
    org.municipal.active = False
    org.municipal.save()
    names = _units(routing_suggest(category_id=building.pk, area=org.fugou))
    assert "扶沟县住建局" not in names and "扶沟县市政所" not in names


def test_the_accused_unit_and_units_under_it_are_never_suggested(org, building):
    """Art 30(3): an accusation never goes to the unit accused, nor through the fallback."""
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.municipal, priority=9)
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.housing)
    names = _units(routing_suggest(category_id=building.pk, area=org.fugou, exclude_path=org.municipal.path))
    assert "扶沟县市政所" not in names and names[0] == "扶沟县住建局"
    # The county government accused: neither it nor any of its departments, the city above instead.
    names = _units(routing_suggest(category_id=building.pk, area=org.chengguan, exclude_path=org.county_gov.path))
    assert names and all(n.startswith("周口市") for n in names), names


def test_without_rules_the_area_government_is_proposed_nearest_first(org, building):
    """属地管理: the township of the problem's area, then the county, then the city."""
    suggestions = routing_suggest(category_id=building.pk, area=org.chengguan)
    assert _units(suggestions)[:3] == ["扶沟县城关镇", "扶沟县委县政府", "周口市委市政府"]
    assert all(s.reason.startswith("属地管理") for s in suggestions)


def test_the_fallback_comes_after_the_rules_and_repeats_no_unit(org, building):
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.county_gov)
    names = _units(routing_suggest(category_id=building.pk, area=org.chengguan))
    assert names[0] == "扶沟县委县政府"
    assert names.count("扶沟县委县政府") == 1 and "扶沟县城关镇" in names


def test_a_case_without_category_gets_the_any_category_rules_and_the_fallback(org, building):
    RoutingRule.objects.create(category=building, area=org.fugou, unit=org.housing)
    RoutingRule.objects.create(category=None, area=None, unit=org.municipal)
    names = _units(routing_suggest(category_id=None, area=org.fugou))
    assert names[0] == "扶沟县市政所" and "扶沟县住建局" not in names
