"""Cases keep copies of their area's and units' tree paths (area_path, office_path, current_path,
accused_path) so that scoping is a prefix match on the case table alone. When accounts moves a
subtree, these copies follow: connected to accounts' `areas_moved` / `units_moved` in apps.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery

from xinfang.accounts.models import Area, Unit

from .deadlines.facts import deadlines_copy_facts
from .deadlines.models import Deadline
from .models import Petition

# Each unit relation of a case and the column that keeps a copy of that unit's path.
UNIT_PATH_COLUMNS = (
    ("current_unit_id", "current_path"),
    ("office_unit_id", "office_path"),
    ("accused_unit_id", "accused_path"),
)


def _path_of(model: type[Area] | type[Unit], column: str) -> Subquery:
    return Subquery(model.objects.filter(pk=OuterRef(column)).values("path")[:1])


def petition_paths_follow_units(*, unit_ids: list[int]) -> None:
    """Rewrite the unit path copies on the cases of these units from the units' current paths."""
    if not unit_ids:
        return
    for fk, column in UNIT_PATH_COLUMNS:
        Petition.objects.filter(**{f"{fk}__in": unit_ids}).update(**{column: _path_of(Unit, fk)})
    # The accused path copied on the limits of those cases (petitions.deadlines.facts), from the case's new one.
    deadlines_copy_facts(Deadline.objects.filter(petition__accused_unit_id__in=unit_ids))


def petition_paths_follow_areas(*, area_ids: list[int]) -> None:
    """Rewrite area_path on the cases of these areas from the areas' current paths."""
    if area_ids:
        Petition.objects.filter(area_id__in=area_ids).update(area_path=_path_of(Area, "area_id"))


def on_units_moved(sender: Any, unit_ids: list[int], **kwargs: Any) -> None:
    petition_paths_follow_units(unit_ids=unit_ids)


def on_areas_moved(sender: Any, area_ids: list[int], **kwargs: Any) -> None:
    petition_paths_follow_areas(area_ids=area_ids)
