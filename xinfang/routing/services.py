"""Routing suggestions: the officer sees a proposed unit and confirms or picks another."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from xinfang.accounts.models import ACCESS, Area, Unit
from xinfang.core import versioned

from .categories import category_copy
from .models import RoutingRule


@dataclass
class Suggestion:
    unit: Unit
    reason: str


def _category_lineage(category_id: int | None) -> dict[int, int]:
    """The case's category and the categories above it, each with its specificity (own category highest)."""
    out: dict[int, int] = {}
    seen = 0
    current = category_copy(category_id) if category_id else None
    while current is not None and current.pk not in out and seen < 10:
        out[current.pk] = 0
        seen += 1
        current = category_copy(current.parent_id) if current.parent_id else None
    return {pk: len(out) - i for i, pk in enumerate(out)}


def routing_suggest(*, category_id: int | None, area: Area, exclude_path: str = "") -> list[Suggestion]:
    """Best first: the most specific area match, then the most specific category match (the case's
    category, then the first-level one above it, then "any category"), then priority.

    Falls back to 属地管理: the township/county government of the problem's area.
    `exclude_path` drops an accused unit and its subtree (Art 30(3)).
    """
    ancestors = [a for a in area.path.strip("/").split("/") if a]
    rules = (
        RoutingRule.objects.filter(active=True, unit__active=True).filter(area__code__in=ancestors)
        | RoutingRule.objects.filter(active=True, unit__active=True, area__isnull=True)
    ).select_related("unit", "area", "category")
    # A rule for a first-level category covers its second-level ones; the case's own category is the
    # more specific match. {category id: specificity}, the case's category highest.
    lineage = _category_lineage(category_id)
    scored = []
    for rule in rules:
        if rule.category_id and rule.category_id not in lineage:
            continue
        depth = len(rule.area.path.strip("/").split("/")) if rule.area else 0
        scored.append(((depth, lineage.get(rule.category_id, 0) if rule.category_id else 0, rule.priority), rule))
    scored.sort(key=lambda item: item[0], reverse=True)
    out: list[Suggestion] = []
    seen: set[int] = set()
    for _score, rule in scored:
        if rule.unit_id in seen or (exclude_path and rule.unit.path.startswith(exclude_path)):
            continue
        seen.add(rule.unit_id)
        out.append(Suggestion(rule.unit, f"分办规则：{rule}"))
    # The governments of the area and of every area above it, in one query; nearest area first.
    by_area: dict[str, list[Unit]] = {}
    for unit in (
        Unit.objects.filter(area__code__in=ancestors, kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.GOVERNMENT], active=True)
        .select_related("area")
        .order_by("kind", "id")
    ):
        by_area.setdefault(unit.area.code, []).append(unit)
    for code in reversed(ancestors):
        for unit in by_area.get(code, []):
            if unit.pk in seen or (exclude_path and unit.path.startswith(exclude_path)):
                continue
            seen.add(unit.pk)
            out.append(Suggestion(unit, "属地管理：问题属地的党委政府/乡镇街道"))
        if len(out) >= 5:
            break
    return out[:8]


# Within an area's group: the government first, then the organs that take accusations, the
# departments, the townships (the order a dispatcher looks for them in).
KIND_ORDER: dict[str, int] = {
    Unit.Kind.GOVERNMENT: 0,
    Unit.Kind.DISCIPLINE: 1,
    Unit.Kind.POLITICS_LAW: 2,
    Unit.Kind.DEPARTMENT: 3,
    Unit.Kind.TOWNSHIP: 4,
    Unit.Kind.VILLAGE: 5,
    Unit.Kind.XINFANG: 6,
}


@dataclass(frozen=True)
class TargetGroup:
    label: str  # the area, with its level ("扶沟县（县区）"; "周口市（市 · 上级）")
    units: tuple[tuple[int, str], ...]  # (unit id, name)


def dispatch_targets(*, office_id: int, exclude_path: str = "") -> list[TargetGroup]:
    """The units an office (信访部门) may transfer or assign a case to, grouped by area and level:
    those of its own area and every area under it (属地管理, 分级负责), then the organs of the areas
    above it (a matter for the level above, an accusation against the local government). Not the
    office itself (that is 直接办理), not another county's units, not the accused unit's subtree.
    Kept in the worker's memory while no unit, post or area changes (core.versioned)."""
    return versioned.cached(
        (ACCESS, Area.versioned_name),
        f"dispatch-targets:{office_id}:{exclude_path}",
        lambda: _load_targets(office_id, exclude_path),
    )


def _load_targets(office_id: int, exclude_path: str) -> list[TargetGroup]:
    office = Unit.objects.select_related("area").get(pk=office_id)
    area_path = office.area.path
    above = [a for a in area_path.strip("/").split("/") if a][:-1]
    units = (
        Unit.objects.filter(active=True)
        .filter(Q(area__path__startswith=area_path) | Q(area__code__in=above))
        .exclude(pk=office.pk)
        .select_related("area")
    )
    if exclude_path:
        units = units.exclude(path__startswith=exclude_path)
    by_area: dict[int, list[Unit]] = {}
    areas: dict[int, Area] = {}
    for unit in units:
        by_area.setdefault(unit.area_id, []).append(unit)
        areas[unit.area_id] = unit.area
    # The office's own area first, the areas under it in tree order, the areas above it last.
    order = sorted(areas.values(), key=lambda a: (not a.path.startswith(area_path), a.path))
    out = []
    for area in order:
        level = Area.Level(area.level).label if area.level in Area.Level.values else ""
        label = f"{area.name}（{level}{' · 上级' if not area.path.startswith(area_path) else ''}）"
        members = sorted(by_area[area.pk], key=lambda u: (KIND_ORDER.get(u.kind, 9), u.name))
        out.append(TargetGroup(label, tuple((u.pk, u.name) for u in members)))
    return out
