"""Cases keep copies of their area's and units' paths; a move in accounts' trees carries them along,
so who sees the case follows the new tree at once."""

from __future__ import annotations

import pytest

from xinfang.accounts.models import Area, Role, Unit
from xinfang.accounts.services import area_upsert, unit_upsert
from xinfang.accounts.tests.factories import make_user
from xinfang.petitions.access import petitions_visible_to
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db


def test_moving_an_area_moves_the_area_path_of_its_cases_and_of_its_childrens_cases(personas):
    org = personas.org
    village = area_upsert(code="411621100201", name="城关镇东关村", level=Area.Level.VILLAGE, parent=org.chengguan)
    in_town = register(personas.clerk, area=org.chengguan).petition
    in_village = register(personas.clerk, area=village).petition
    elsewhere = register(personas.clerk, area=org.fugou).petition
    taikang_office = unit_upsert(
        code="TK-XFJ", name="太康县信访局", kind=Unit.Kind.XINFANG, area=org.taikang, parent=org.taikang_gov
    )
    taikang_clerk = make_user("taikang_clerk", taikang_office, Role.CLERK)
    assert not petitions_visible_to(taikang_clerk).filter(pk__in=[in_town.pk, in_village.pk]).exists()

    area_upsert(code="411621100", name="城关镇", level=Area.Level.TOWNSHIP, parent=org.taikang)

    paths = dict(Petition.objects.values_list("pk", "area_path"))
    assert paths[in_town.pk] == "/41/4116/411627/411621100/"
    assert paths[in_village.pk] == "/41/4116/411627/411621100/411621100201/"
    assert paths[elsewhere.pk] == "/41/4116/411621/"
    visible = set(petitions_visible_to(taikang_clerk).values_list("pk", flat=True))
    assert {in_town.pk, in_village.pk} <= visible and elsewhere.pk not in visible


def test_moving_a_unit_moves_every_unit_path_copied_on_its_cases(personas):
    """An accused unit moved elsewhere keeps the accusation hidden from its new superiors' tree."""
    org = personas.org
    p = register(personas.clerk, accused_unit=org.municipal).petition
    unit_upsert(
        code=org.municipal.code, name=org.municipal.name, kind=org.municipal.kind, area=org.fugou, parent=org.township
    )
    org.municipal.refresh_from_db()
    p.refresh_from_db()
    assert p.accused_path == org.municipal.path == f"{org.township.path}{org.municipal.pk}/"
    assert p.office_path == org.county_office.path  # the office did not move: its copy stays
