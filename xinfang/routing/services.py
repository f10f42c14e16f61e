"""Routing suggestions: the officer sees a proposed unit and confirms or picks another."""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.accounts.models import Area, Unit

from .models import RoutingRule


@dataclass
class Suggestion:
    unit: Unit
    reason: str


def _category_lineage(category_id: int | None) -> dict[int, int]:
    """The case's category and the categories above it, each with its specificity (own category highest)."""
    from xinfang.petitions.reference import category_copy  # petitions imports routing

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
