from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """A rate as a percentage; "—" where the denominator was 0."""
    return "—" if value is None else f"{float(value) * 100:.2f}%"


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
