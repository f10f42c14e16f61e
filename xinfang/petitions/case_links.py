"""Links that higher apps offer on the case page (转为矛盾纠纷 from screening, …): petitions imports none of
them; each registers a function from its AppConfig.ready() that returns the links a viewer may follow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import Petition


@dataclass(frozen=True)
class CaseLink:
    label: str
    url: str
    hint: str = ""


LinkFn = Callable[[Any, Petition], list[CaseLink]]
_providers: list[LinkFn] = []


def register_case_links(fn: LinkFn) -> None:
    if fn not in _providers:
        _providers.append(fn)


def case_links(user: Any, petition: Petition) -> list[CaseLink]:
    return [link for fn in _providers for link in fn(user, petition)]
