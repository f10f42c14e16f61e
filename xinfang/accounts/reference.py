"""Areas as every request reads them (registration, list filters), from the worker's memory while the
"reference" token is unchanged (core.versioned). Villages are not kept: a province has tens of thousands."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from xinfang.core import versioned

from .models import Area

KEPT_LEVELS = Area.Level.TOWNSHIP  # province to township: a few thousand rows for a province
INDENT = {1: "", 2: "　", 3: "　　", 4: "　　　", 5: "　　　　"}


@dataclass(frozen=True)
class _Areas:
    by_code: dict[str, Area]  # areas down to townships, active or not
    by_id: dict[int, Area]
    top_choices: list[tuple[str, str]]  # (code, indented name) of active areas down to counties, in tree order


def _load() -> _Areas:
    rows = list(Area.objects.filter(level__lte=KEPT_LEVELS).order_by("path"))
    return _Areas(
        by_code={a.code: a for a in rows},
        by_id={a.pk: a for a in rows},
        top_choices=[
            (a.code, f"{INDENT.get(a.level, '')}{a.name}") for a in rows if a.active and a.level <= Area.Level.COUNTY
        ],
    )


def _areas() -> _Areas:
    return versioned.cached(Area.versioned_name, "areas", _load)


def area_by_code(code: str) -> Area | None:
    """The area with this code, active or not (shared instance: read it, do not change it)."""
    code = code.strip()
    area = _areas().by_code.get(code)
    if area is None and code:
        area = Area.objects.filter(code=code, level__gt=KEPT_LEVELS).first()
    return area


def area_copy(pk: int) -> Area | None:
    """A copy of the area with this id (a case's area, attached without a join; yours to change)."""
    area = _areas().by_id.get(pk)
    if area is None:
        return Area.objects.filter(pk=pk).first()
    return copy.copy(area)


def active_area(code: str) -> Area | None:
    """The active area with this code (shared instance: read it, do not change it)."""
    area = area_by_code(code)
    return area if area is not None and area.active else None


def area_filter_choices() -> list[tuple[str, str]]:
    """(code, indented name) of the active areas down to counties, for list filters."""
    return _areas().top_choices


# An area's subtree as ids, for the queries that bound their index scans by area (the statistics: one index
# descent per area, then the period's rows of that area only); past this many the caller keeps the path's
# prefix match, which reads the subtree's rows of every period.
SUBTREE_IDS_MAX = 2000


def area_subtree_ids(area: Area) -> tuple[int, ...] | None:
    """The ids of the area and every area under it, villages included (one query per reference version),
    or None when there are more than SUBTREE_IDS_MAX."""

    def load() -> tuple[int, ...] | None:
        ids = list(
            Area.objects.filter(path__startswith=area.path)
            .order_by("id")
            .values_list("id", flat=True)[: SUBTREE_IDS_MAX + 1]
        )
        return None if len(ids) > SUBTREE_IDS_MAX else tuple(ids)

    return versioned.cached(Area.versioned_name, f"subtree-ids:{area.path}", load)
