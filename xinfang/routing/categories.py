"""Content categories as every request reads them (registration, list filters), from the worker's memory
while the "reference" token is unchanged (core.versioned)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from xinfang.core import versioned

from .models import Category


@dataclass(frozen=True)
class _Categories:
    by_code: dict[str, Category]  # active categories
    by_id: dict[int, Category]  # all categories
    choices: list[tuple[str, str]]  # (pk, label as Category.__str__) in the order of forms.category_choices


def _load() -> _Categories:
    rows = list(Category.objects.select_related("parent").order_by("parent_id", "sort_order"))
    active = [c for c in rows if c.active]
    return _Categories(
        by_code={c.code: c for c in active},
        by_id={c.pk: c for c in rows},
        choices=[(str(c.pk), str(c)) for c in active],
    )


def _categories() -> _Categories:
    return versioned.cached(Category.versioned_name, "categories", _load)


def active_category(code: str) -> Category | None:
    """The active category with this code (shared instance: read it, do not change it)."""
    return _categories().by_code.get(code.strip())


def category_copy(pk: int) -> Category | None:
    """A copy of the category with this id (a case's category, attached without a join)."""
    category = _categories().by_id.get(pk)
    return copy.copy(category) if category is not None else Category.objects.filter(pk=pk).first()


def category_filter_choices() -> list[tuple[str, str]]:
    return _categories().choices
