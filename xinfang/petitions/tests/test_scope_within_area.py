"""A list filtered to an area the user sees wholly drops the scope's OR: the same cases, always."""

from __future__ import annotations

import pytest

from xinfang.accounts.models import Area
from xinfang.demo.volume.generator import Generator
from xinfang.petitions import selectors
from xinfang.petitions.access import petition_scope_q, petitions_visible_to
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db

WHO = ["clerk", "dispatcher", "handler", "head", "reviewer", "city_reviewer", "supervisor", "leader", "outsider"]


@pytest.mark.parametrize("who", WHO)
def test_area_filter_gives_the_same_cases_as_the_full_scope(personas, who) -> None:
    Generator(seed=8).run(120)
    user = getattr(personas, who)
    seen = 0
    for area in Area.objects.all():
        by_filter = set(selectors.petition_list(user=user, area=area.code).values_list("id", flat=True))
        full = set(petitions_visible_to(user).filter(area_path__startswith=area.path).values_list("id", flat=True))
        assert by_filter == full, (who, area.code)
        seen += len(by_filter)
    if who in ("dispatcher", "supervisor", "leader"):
        assert seen > 0  # the comparison is not vacuous


def test_collapse_only_where_the_user_sees_the_whole_area(personas) -> None:
    county = personas.org.county_office.area
    # The county 信访局 sees its whole county: the OR disappears, the accusation rule stays.
    collapsed = petition_scope_q(personas.dispatcher, within_area=county.path)
    assert "area_path" not in str(collapsed) and "accused_path" in str(collapsed)
    # A township unit does not see the whole county: its scope stays as it is.
    assert petition_scope_q(personas.handler, within_area=county.path) == petition_scope_q(personas.handler)


def test_accused_unit_still_excluded_inside_its_own_area(personas) -> None:
    Generator(seed=8).run(60)
    accusing = Petition.objects.first()
    assert accusing is not None
    office = personas.org.county_office
    Petition.objects.filter(pk=accusing.pk).update(accused_unit=office, accused_path=office.path)
    ids = set(selectors.petition_list(user=personas.dispatcher, area=office.area.code).values_list("id", flat=True))
    assert accusing.pk not in ids
