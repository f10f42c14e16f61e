"""Where a message's case lives on the staff site. notifications sits below petitions, so petitions
registers the resolver (PetitionsConfig.ready) instead of this app importing petitions."""

from __future__ import annotations

from collections.abc import Callable

_resolver: Callable[[int], str] | None = None


def register_case_url(resolver: Callable[[int], str]) -> None:
    global _resolver
    _resolver = resolver


def case_url(case_id: int | None) -> str:
    if case_id is None or _resolver is None:
        return ""
    return _resolver(case_id)
